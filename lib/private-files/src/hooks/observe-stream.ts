import type { DownloadOutcome } from "./download-finished.js";

/**
 * Passes a body through unchanged, counting its bytes, and reports once how it
 * ended: the source ran out (completed), the consumer cancelled (aborted: the
 * client went away), or the source errored (failed). Pull-based with no read-ahead,
 * so backpressure reaches the file as before.
 *
 * `idleMs`: a consumer that holds a chunk this long without asking for the next one
 * (a client that stopped reading) is given up on: the source is cancelled (the file
 * closed, an object store's request aborted), the body errors, and the end is reported
 * as aborted. The clock runs only while the consumer holds what it was given, so slow
 * storage is never the client's idleness. Done here rather than in a wrapper of its own:
 * one stream layer less per download chunk. Default: no limit.
 */
export function observeStream(
  source: ReadableStream<Uint8Array>,
  onEnd: (outcome: DownloadOutcome, bytes: number) => void,
  idleMs = Infinity,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let bytes = 0;
  const report = once(onEnd);
  const end = (outcome: DownloadOutcome) => report(outcome, bytes);
  const watchIdle = Number.isFinite(idleMs);
  let idle: NodeJS.Timeout | undefined;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (watchIdle) idle = setTimeout(() => giveUp(controller), idleMs);
      },
      async pull(controller) {
        clearTimeout(idle);
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          end("failed");
          controller.error(error);
          return;
        }
        if (chunk.done) {
          end("completed");
          controller.close();
          return;
        }
        bytes += chunk.value.byteLength;
        controller.enqueue(chunk.value);
        if (watchIdle) idle = setTimeout(() => giveUp(controller), idleMs);
      },
      async cancel(reason) {
        clearTimeout(idle);
        end("aborted");
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );

  function giveUp(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const reason = new Error(`the client read nothing for ${idleMs} ms`);
    end("aborted");
    // Cancelling the source closes the file now; the answer itself ends with the error.
    void reader.cancel(reason).catch(() => undefined);
    controller.error(reason);
  }
}

/**
 * A body already in memory, in one chunk, reported as `observeStream` reports: completed
 * once the server has taken the bytes, aborted when the client went away first.
 */
export function observeBytes(bytes: Uint8Array, onEnd: (outcome: DownloadOutcome, bytes: number) => void): ReadableStream<Uint8Array> {
  const report = once(onEnd);
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        controller.enqueue(bytes);
        controller.close();
        report("completed", bytes.byteLength);
      },
      cancel() {
        report("aborted", 0);
      },
    },
    { highWaterMark: 0 },
  );
}

/** The first report goes through; later ones (a cancel after the end…) are dropped. */
function once(onEnd: (outcome: DownloadOutcome, bytes: number) => void): (outcome: DownloadOutcome, bytes: number) => void {
  let ended = false;
  return (outcome, bytes) => {
    if (ended) return;
    ended = true;
    onEnd(outcome, bytes);
  };
}
