import { UploadIdleTimeoutError } from "../upload/errors";

/** How long a download's client may stop reading, or an upload's client stop sending, by default. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * A download body that gives up on a client that stopped reading: when `ms` pass
 * after a chunk was handed over without the next one being asked for, the source is
 * cancelled (the file is closed, an object store's request aborted) and this stream
 * errors. Pull-based with no read-ahead, so backpressure still reaches the source.
 * A storage that is slow to produce a chunk is not the client's idleness: the clock
 * runs only while the consumer holds what it was given. `Infinity`: no limit.
 */
export function idleDownloadStream(source: ReadableStream<Uint8Array>, ms: number): ReadableStream<Uint8Array> {
  if (!Number.isFinite(ms)) return source;
  const reader = source.getReader();
  let timer: NodeJS.Timeout | undefined;
  const stop = () => clearTimeout(timer);
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        timer = setTimeout(() => giveUp(controller), ms);
      },
      async pull(controller) {
        stop();
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (error) {
          controller.error(error);
          return;
        }
        if (chunk.done) {
          controller.close();
          return;
        }
        controller.enqueue(chunk.value);
        timer = setTimeout(() => giveUp(controller), ms);
      },
      async cancel(reason) {
        stop();
        await reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );

  function giveUp(controller: ReadableStreamDefaultController<Uint8Array>): void {
    const reason = new Error(`the client read nothing for ${ms} ms`);
    // Cancelling the source closes the file now; the answer itself ends with the error.
    void reader.cancel(reason).catch(() => undefined);
    controller.error(reason);
  }
}

/**
 * An upload body that gives up on a client that stopped sending: when a read waits
 * `ms` for the next chunk, the source is cancelled and this stream errors with
 * `UploadIdleTimeoutError` (408), so whatever is writing it removes its temp file.
 * `Infinity`: no limit.
 */
export function idleUploadStream(source: ReadableStream<Uint8Array>, ms: number): ReadableStream<Uint8Array> {
  if (!Number.isFinite(ms)) return source;
  const reader = source.getReader();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let timer: NodeJS.Timeout | undefined;
        const idle = new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new UploadIdleTimeoutError(ms)), ms);
        });
        try {
          const chunk = await Promise.race([reader.read(), idle]);
          if (chunk.done) controller.close();
          else controller.enqueue(chunk.value);
        } catch (error) {
          if (error instanceof UploadIdleTimeoutError) void reader.cancel(error).catch(() => undefined);
          controller.error(error);
        } finally {
          clearTimeout(timer);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
}

/**
 * A timer restarted by every sign of progress (`touch`): `onIdle` runs once `ms`
 * pass without one. For sources that are Node streams (a multipart body).
 */
export function idleTimer(ms: number, onIdle: () => void): { touch(): void; stop(): void } {
  if (!Number.isFinite(ms)) return { touch: () => undefined, stop: () => undefined };
  let timer = setTimeout(onIdle, ms);
  return {
    touch() {
      clearTimeout(timer);
      timer = setTimeout(onIdle, ms);
    },
    stop: () => clearTimeout(timer),
  };
}
