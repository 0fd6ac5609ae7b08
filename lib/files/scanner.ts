import type { Scanner } from "next-private-files";
import { clamdScanner } from "next-private-files/clamav";

// The demo's malware scanner, chosen by the environment:
//
//   CLAMD_SOCKET=/run/clamav/clamd.ctl   clamd's unix socket (Debian's clamav-daemon)
//   CLAMD_HOST=127.0.0.1 CLAMD_PORT=3310 or its TCP socket
//   CLAMD_TIMEOUT_MS                     longest silence from clamd (default the kit's)
//
// Neither set: no scan (the quick start needs no clamd). Set, every completed upload is
// scanned before its record exists, and a clamd that is down refuses uploads (503).

/** The scanner the environment names; `undefined` when it names none. */
export function scannerFromEnv(env: NodeJS.ProcessEnv = process.env): Scanner | undefined {
  const timeoutMs = Number(env.CLAMD_TIMEOUT_MS) || undefined;
  const socketPath = env.CLAMD_SOCKET?.trim();
  if (socketPath) return clamdScanner({ socketPath }, { timeoutMs });
  const host = env.CLAMD_HOST?.trim();
  if (host) {
    const port = Number(env.CLAMD_PORT ?? 3310);
    if (!Number.isInteger(port) || port <= 0 || port > 65535) throw new TypeError(`CLAMD_PORT must be a TCP port, not ${JSON.stringify(env.CLAMD_PORT)}`);
    return clamdScanner({ host, port }, { timeoutMs });
  }
  return undefined;
}
