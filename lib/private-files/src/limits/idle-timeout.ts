import { observeStream } from "../hooks/observe-stream.js";
import { UploadIdleTimeoutError } from "../upload/errors.js";

/** How long a download's client may stop reading, or an upload's client stop sending, by default: 60_000 ms. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;

/**
 * A download body that gives up on a client that stopped reading: when `ms` pass
 * after a chunk was handed over without the next one being asked for, the source is
 * cancelled and this stream errors (see observeStream, which the file route uses with
 * its report of how the download ended). For an app's own routes that stream a body.
 * `Infinity`: no limit.
 * @param source - The body to send.
 * @param ms - The longest pause allowed (`privateFiles.idleTimeoutMs`).
 * @example
 * ```ts
 * import { idleDownloadStream } from "next-private-files/upload";
 *
 * declare function exportCsv(): ReadableStream<Uint8Array>;
 *
 * export async function GET(): Promise<Response> {
 *   return new Response(idleDownloadStream(exportCsv(), 60_000), { headers: { "Content-Type": "text/csv" } });
 * }
 * ```
 */
export function idleDownloadStream(source: ReadableStream<Uint8Array>, ms: number): ReadableStream<Uint8Array> {
  return Number.isFinite(ms) ? observeStream(source, () => undefined, ms) : source;
}

/**
 * An upload body that gives up on a client that stopped sending: when a read waits
 * `ms` for the next chunk, the source is cancelled and this stream errors with
 * `UploadIdleTimeoutError` (408), so whatever is writing it removes its temp file.
 * `Infinity`: no limit. `storeUpload` does this already; use it where you write a
 * request body yourself.
 * @param source - The body being received.
 * @param ms - The longest pause allowed (`privateFiles.idleTimeoutMs`).
 * @example
 * ```ts
 * import { idleUploadStream, UploadIdleTimeoutError } from "next-private-files/upload";
 *
 * declare function saveTo(path: string, body: ReadableStream<Uint8Array>): Promise<void>;
 *
 * export async function PUT(request: Request): Promise<Response> {
 *   if (!request.body) return new Response("no body\n", { status: 400 });
 *   try {
 *     await saveTo("/tmp/upload.bin", idleUploadStream(request.body, 30_000));
 *   } catch (error) {
 *     if (error instanceof UploadIdleTimeoutError) return new Response(`${error.message}\n`, { status: 408 });
 *     throw error;
 *   }
 *   return new Response(null, { status: 204 });
 * }
 * ```
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
