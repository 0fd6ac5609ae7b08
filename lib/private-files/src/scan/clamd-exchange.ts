import net from "node:net";
import { ScannerUnavailableError } from "./errors.js";

// One command to clamd over one connection, and its reply: the socket mechanics behind
// clamdScanner. The body (INSTREAM) goes out as 4-byte big-endian length-prefixed chunks,
// one input chunk at a time, waiting for the socket to drain before pulling the next: the
// memory held is one chunk plus the socket's buffer, whatever the file's size. Every way
// this can end without a reply (refused, no such socket, idle past the timeout, closed
// early) rejects with a ScannerUnavailableError naming the clamd; the socket is destroyed
// and the input cancelled on every path.

/** Where clamd listens: its LocalSocket, or its TCPSocket/TCPAddr. */
export type ClamdTarget = { readonly socketPath: string } | { readonly host: string; readonly port: number };

/** "clamd at /run/clamav/clamd.ctl" or "clamd at 127.0.0.1:3310", for messages. */
export function describeTarget(target: ClamdTarget): string {
  return "socketPath" in target ? `clamd at ${target.socketPath}` : `clamd at ${target.host}:${target.port}`;
}

export interface ExchangeOptions {
  /** Idleness allowed on clamd's side (connecting, reading, answering), ms. */
  readonly timeoutMs: number;
  /** Largest chunk sent to clamd; bigger input chunks are split. */
  readonly chunkBytes: number;
}

export interface ExchangeResult {
  /** The reply, NUL terminator included when clamd sent one. */
  readonly reply: string;
  /** clamd answered before the body's end was sent (for example a size limit). */
  readonly early: boolean;
}

/** A reply longer than this is not clamd's. */
const MAX_REPLY_BYTES = 8 * 1024;

/** Sends `command` (and `body` as INSTREAM chunks, then the zero-length end) and reads the reply. */
export async function exchange(
  target: ClamdTarget,
  command: string,
  body: ReadableStream<Uint8Array> | undefined,
  options: ExchangeOptions,
): Promise<ExchangeResult> {
  const where = describeTarget(target);
  const socket = "socketPath" in target ? net.createConnection({ path: target.socketPath }) : net.createConnection({ host: target.host, port: target.port });
  const reader = body?.getReader();

  let settled = false;
  let sentAll = body === undefined;
  let resolveOutcome!: (result: ExchangeResult) => void;
  let rejectOutcome!: (error: ScannerUnavailableError) => void;
  const outcome = new Promise<ExchangeResult>((resolve, reject) => {
    resolveOutcome = resolve;
    rejectOutcome = reject;
  });
  // The writer waits on connect or drain; any end of the exchange wakes it too.
  let wake: (() => void) | undefined;
  const wakeWriter = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };

  const fail = (message: string, cause?: unknown) => {
    if (settled) return;
    settled = true;
    socket.destroy();
    const error = new ScannerUnavailableError(`${where}: ${message}`, cause === undefined ? undefined : { cause });
    rejectOutcome(error);
    // The rest of the input is not needed; cancelling also ends a read that is waiting.
    reader?.cancel(error).catch(() => undefined);
    wakeWriter();
  };
  const answer = (reply: string) => {
    if (settled) return;
    settled = true;
    socket.destroy();
    resolveOutcome({ reply, early: !sentAll });
    if (!sentAll) reader?.cancel(new Error(`${where} answered before the end of the file`)).catch(() => undefined);
    wakeWriter();
  };

  const received: Buffer[] = [];
  let receivedBytes = 0;
  socket.on("data", (data: Buffer) => {
    received.push(data);
    receivedBytes += data.length;
    const all = Buffer.concat(received);
    const end = all.indexOf(0);
    if (end >= 0) answer(all.subarray(0, end + 1).toString("utf8"));
    else if (receivedBytes > MAX_REPLY_BYTES) fail(`sent ${receivedBytes} bytes without ending its reply: is this clamd?`);
  });
  socket.on("end", () => {
    // A reply without its NUL (an `n` command, or a server that closes right after it).
    if (receivedBytes > 0) answer(Buffer.concat(received).toString("utf8"));
    else fail(sentAll ? "closed the connection without answering" : "closed the connection while the file was being sent");
  });
  socket.on("close", () => fail(sentAll ? "closed the connection without answering" : "closed the connection while the file was being sent"));
  socket.on("error", (error: NodeJS.ErrnoException) => fail(connectionProblem(error, target, sentAll), error));
  socket.on("timeout", () => fail(`no answer for ${options.timeoutMs} ms (timed out)`));
  socket.on("drain", wakeWriter);
  socket.setTimeout(options.timeoutMs);
  outcome.catch(() => undefined); // observed below; this keeps an early failure from being "unhandled"

  const waitForWake = () => new Promise<void>((resolve) => (wake = resolve));

  try {
    if (socket.connecting) {
      socket.once("connect", wakeWriter);
      await waitForWake();
    }
    if (!settled) socket.write(command);
    if (reader) {
      const header = (length: number) => {
        const bytes = Buffer.allocUnsafe(4);
        bytes.writeUInt32BE(length, 0);
        return bytes;
      };
      while (!settled) {
        // Waiting for the input is not clamd's idleness: the timer runs only on clamd's side.
        socket.setTimeout(0);
        const { done, value } = await reader.read();
        if (settled) break;
        socket.setTimeout(options.timeoutMs);
        if (done) {
          sentAll = true;
          socket.write(header(0));
          break;
        }
        // A zero-length chunk would end the stream early: skip it; split the big ones.
        for (let at = 0; at < value.byteLength && !settled; at += options.chunkBytes) {
          const piece = value.subarray(at, Math.min(at + options.chunkBytes, value.byteLength));
          socket.write(header(piece.byteLength));
          if (!socket.write(piece) && !settled) await waitForWake();
        }
      }
    }
  } catch (error) {
    fail("the file could not be read to send it", error);
  }

  try {
    return await outcome;
  } finally {
    socket.destroy();
    try {
      reader?.releaseLock();
    } catch {
      // a read still pending on a cancelled stream: nothing left to release
    }
  }
}

/** What a connection error means, for the person reading the log. */
function connectionProblem(error: NodeJS.ErrnoException, target: ClamdTarget, sentAll: boolean): string {
  switch (error.code) {
    case "ENOENT":
      return "the socket does not exist: is clamd running, and is its LocalSocket this path?";
    case "ECONNREFUSED":
      return "socketPath" in target
        ? "connection refused: clamd is not running (a stale socket file), or not listening here"
        : "connection refused: is clamd running, and is its TCPSocket/TCPAddr this address?";
    case "EACCES":
      return "permission denied on the socket: give this process access (clamd's LocalSocketGroup / LocalSocketMode)";
    case "ECONNRESET":
    case "EPIPE":
      // clamd answers "INSTREAM size limit exceeded" and hangs up at once; a write that meets
      // the hang-up first loses that answer, so name the likely cause here.
      return sentAll
        ? `closed the connection without answering (${error.code})`
        : `closed the connection while the file was being sent (${error.code}): clamd does this when a file is over its StreamMaxLength (raise it to at least the largest upload), or when it is overloaded (MaxThreads, MaxConnectionQueueLength)`;
    default:
      return `connection failed (${error.code ?? error.message})`;
  }
}
