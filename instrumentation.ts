// Runs once when the Next.js server starts.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { restoreContentLength } = await import("@/lib/private-files/next/restore-content-length");
    restoreContentLength();
    // Route handlers cannot see the socket: stamp its address into a header the
    // client cannot forge (the sign-in rate limit keys on it).
    const { stampClientAddress } = await import("@/lib/private-files/next/stamp-client-address");
    stampClientAddress();
  }
}
