import { exchange, describeTarget, type ClamdTarget } from "./clamd-exchange.js";
import { parseScanReply, replyText } from "./clamd-reply.js";
import { ScannerUnavailableError } from "./errors.js";
import type { Scanner, ScanInfo, ScanVerdict } from "./types.js";

// ClamAV's daemon as the kit's Scanner: each scan is one connection and one `zINSTREAM`,
// streamed (a 4 GiB upload goes through in chunkBytes pieces, never whole in memory).
// Fail closed: whatever is not "stream: OK" or "stream: <signature> FOUND" is a
// ScannerUnavailableError, and the upload is refused with 503.

export type { ClamdTarget } from "./clamd-exchange.js";

/** How clamdScanner talks to clamd. */
export interface ClamdScannerOptions {
  /**
   * How long clamd may stay silent (connecting, taking a chunk, or answering after the
   * last one) before the scan fails closed, in ms. Time spent waiting for the upload's own
   * bytes does not count. Scanning a big file takes clamd a while after its last byte: raise
   * this for multi-gigabyte uploads.
   * @default 150000
   */
  readonly timeoutMs?: number;
  /**
   * The largest INSTREAM chunk sent, in bytes (bigger pieces of the file are split). Must be
   * below clamd's StreamMaxLength.
   * @default 65536
   */
  readonly chunkBytes?: number;
}

/** A Scanner backed by clamd, with a health check for readiness probes. */
export interface ClamdScanner extends Scanner {
  /** Streams the file to clamd (`zINSTREAM`) and returns its verdict. */
  scan(file: ReadableStream<Uint8Array>, info: ScanInfo): Promise<ScanVerdict>;
  /**
   * Asks clamd `zPING`; resolves when it answers `PONG`.
   * @throws {ScannerUnavailableError} when it does not (down, wrong socket, timed out).
   */
  ping(): Promise<void>;
}

// More than clamd's own MaxScanTime (120 s by default): a scan that takes long is ended by clamd, with an answer.
const DEFAULT_TIMEOUT_MS = 150_000;
const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * A scanner that streams each upload to ClamAV's daemon (clamd) over its unix socket or TCP
 * and fails closed: clamd down, timing out, closing early, over its StreamMaxLength or
 * answering anything unexpected is a ScannerUnavailableError (503), not a clean verdict.
 * clamd's StreamMaxLength (and MaxFileSize/MaxScanSize, see docs/scanning.md) must cover
 * the largest upload.
 * @example
 * ```ts
 * import { clamdScanner } from "next-private-files/clamav";
 *
 * const scanner = clamdScanner({ socketPath: "/run/clamav/clamd.ctl" }, { timeoutMs: 120_000 });
 * const verdict = await scanner.scan(new Blob(["hello"]).stream(), { name: "hello.txt", size: 5 });
 * if (!verdict.clean) console.log(`refused: ${verdict.signature}`);
 *
 * // Or over TCP, with a readiness check:
 * const remote = clamdScanner({ host: "127.0.0.1", port: 3310 });
 * await remote.ping();
 * ```
 */
export function clamdScanner(target: ClamdTarget, options: ClamdScannerOptions = {}): ClamdScanner {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) throw new RangeError(`clamdScanner: timeoutMs must be a positive number of ms, got ${timeoutMs}`);
  if (!(Number.isInteger(chunkBytes) && chunkBytes > 0 && chunkBytes <= 0xffff_ffff)) {
    throw new RangeError(`clamdScanner: chunkBytes must be a whole number of bytes between 1 and 2^32-1, got ${chunkBytes}`);
  }
  if ("socketPath" in target ? !target.socketPath : !target.host || !Number.isInteger(target.port) || target.port <= 0 || target.port > 65535) {
    throw new TypeError(`clamdScanner: give { socketPath } or { host, port }, got ${JSON.stringify(target)}`);
  }
  const where = describeTarget(target);
  const exchangeOptions = { timeoutMs, chunkBytes };

  return {
    async scan(file, info) {
      const { reply, early } = await exchange(target, "zINSTREAM\0", file, exchangeOptions);
      const parsed = parseScanReply(reply);
      if (parsed.kind === "error") {
        throw new ScannerUnavailableError(`${where} could not scan ${info.name} (${info.size} bytes): ${parsed.message}${/size limit/i.test(parsed.message) ? " (its StreamMaxLength must be at least the largest upload)" : ""}`);
      }
      if (early) throw new ScannerUnavailableError(`${where} answered before the end of ${info.name} was sent: ${JSON.stringify(replyText(reply))}`);
      if (parsed.kind === "clean") return { clean: true };
      if (parsed.kind === "infected") return { clean: false, signature: parsed.signature };
      throw new ScannerUnavailableError(`${where} answered something that is not a scan result: ${JSON.stringify(parsed.text)}`);
    },
    async ping() {
      const { reply } = await exchange(target, "zPING\0", undefined, exchangeOptions);
      if (replyText(reply) !== "PONG") throw new ScannerUnavailableError(`${where} answered PING with ${JSON.stringify(replyText(reply))}, not PONG`);
    },
  };
}
