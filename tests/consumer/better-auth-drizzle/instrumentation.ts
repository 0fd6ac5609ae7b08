// Runs once when the Next.js server starts.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // Next.js drops Content-Length from route-handler answers: the kit puts it back.
    const { restoreContentLength } = await import("next-private-files/next");
    restoreContentLength();
  }
}
