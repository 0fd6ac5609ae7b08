// Runs once when the Next.js server starts.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { restoreContentLength } = await import("@/lib/private-files/next/restore-content-length");
    restoreContentLength();
  }
}
