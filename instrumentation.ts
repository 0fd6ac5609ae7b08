// Runs once when the Next.js server starts.
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    const { restoreContentLength, stampClientAddress } = await import("next-private-files/next");
    // Next.js drops Content-Length from route-handler answers: put it back.
    restoreContentLength();
    // Route handlers cannot see the socket: stamp its address into a header the
    // client cannot forge (the sign-in rate limit keys on it).
    stampClientAddress();
  }
}
