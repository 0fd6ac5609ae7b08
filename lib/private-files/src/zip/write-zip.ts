import type { Readable } from "node:stream";
import { ZipFile } from "yazl";
import type { ResolvedConfig } from "../config/define.js";
import type { AnySession } from "../config/types.js";
import type { DownloadOutcome } from "../hooks/download-finished.js";
import type { DownloadEvent } from "../hooks/pre-download.js";
import { announceFinished, firePreDownload } from "../route/announce.js";
import { TimeoutError, withTimeout } from "../route/with-timeout.js";
import { EntrySource } from "./entry-source.js";
import type { GrantedEntry } from "./gather.js";

/** A granted file with its place in the zip: its unique name, and whether it is deflated. */
export interface PlannedEntry extends GrantedEntry {
  readonly entryName: string;
  readonly deflate: boolean;
}

/** The file being streamed, and what its `downloadFinished` will say. */
interface Current {
  readonly entry: PlannedEntry;
  readonly event: DownloadEvent<unknown, AnySession>;
  readonly startedAt: Date;
  readonly source: EntrySource;
}

/** The status every entry's `downloadFinished` reports: the zip's answer. */
const STATUS = 200;

/**
 * The zip of `entries` as a body, written by yazl as it is read: one file open at a time,
 * opened when its turn comes (through its field's storage), after its `preDownload`
 * listeners resolved. Memory stays flat whatever the sizes: nothing is read ahead of what
 * the client takes. Zip64 records are written where a size, an offset or the number of
 * entries needs them; names carry the UTF-8 flag.
 *
 * Each entry's end is reported to `downloadFinished`: `completed` once all its bytes are
 * in the zip, `aborted` when the client went away during it (its file is closed at once
 * and no later file is opened; later entries never started, so nothing is reported for
 * them), `failed` when its `preDownload` listeners or the storage failed, or the file
 * changed since it was checked (the connection is then cut, never ended normally).
 */
export function streamZip(config: ResolvedConfig, entries: readonly PlannedEntry[]): ReadableStream<Uint8Array> {
  const zip = new ZipFile();
  // A PassThrough (typed as the older NodeJS.ReadableStream).
  const out = zip.outputStream as Readable;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let current: Current | null = null;
  let stopped = false;
  let idle: NodeJS.Timeout | undefined;
  const idleMs = config.idleTimeoutMs;

  /** Reports the current entry's end, once. */
  const finishCurrent = (outcome: DownloadOutcome) => {
    if (!current) return;
    const { entry, event, startedAt, source } = current;
    current = null;
    announceFinished(entry.download, event, startedAt, outcome, STATUS, source.bytes);
  };

  /** The client is gone (or idle too long): close the current file, open no other. */
  const abort = () => {
    if (stopped) return;
    stopped = true;
    clearTimeout(idle);
    const source = current?.source;
    finishCurrent("aborted");
    source?.destroy();
    out.destroy();
  };

  /** Something failed mid-zip: the current entry is reported failed, and the body errors (the connection is cut). */
  const fail = (error: unknown) => {
    if (stopped) return;
    stopped = true;
    clearTimeout(idle);
    (current?.entry.download.log ?? config.logger).error("the zip failed mid-stream", { error: String(error) });
    const source = current?.source;
    finishCurrent("failed");
    source?.destroy();
    out.destroy();
    controller.error(error);
  };

  const begin = async (entry: PlannedEntry): Promise<EntrySource> => {
    if (stopped) throw new Error("the zip was stopped");
    const { download } = entry;
    const event: DownloadEvent<unknown, AnySession> = { ...download.party, range: null, size: entry.size, link: null };
    const startedAt = new Date();
    const report = (outcome: DownloadOutcome) => announceFinished(download, event, startedAt, outcome, STATUS, 0);
    try {
      await withTimeout(firePreDownload(download, event), config.timeoutMs, "preDownload listeners");
    } catch (error) {
      report(stopped ? "aborted" : "failed");
      throw new Error(`preDownload listener ${error instanceof TimeoutError ? "timed out" : "threw"}: ${String(error)}`);
    }
    // The client may have gone while the listeners ran: open nothing.
    if (stopped) {
      report("aborted");
      throw new Error("the zip was stopped");
    }
    const file = await config
      .storageOf(download.field)
      .open(download.storedPath)
      .catch((error: unknown) => {
        report("failed");
        throw error;
      });
    if (!file || file.etag !== entry.etag || stopped) {
      await file?.close();
      report(stopped ? "aborted" : "failed");
      throw new Error(file ? "the file changed since it was checked" : "the file is gone");
    }
    const source: EntrySource = new EntrySource(file.stream(), () => finishCurrent("completed"));
    source.on("error", fail);
    current = { entry, event, startedAt, source };
    return source;
  };

  for (const entry of entries) {
    zip.addReadStreamLazy(entry.entryName, { mtime: entry.lastModified, mode: 0o100644, compress: entry.deflate, size: entry.size }, (callback) => {
      begin(entry).then(
        (source) => callback(null, source),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null as never),
      );
    });
  }
  zip.on("error", fail);
  zip.end();

  const pause = () => {
    out.pause();
    // The client holds what it was given: past idleMs it is given up on.
    if (Number.isFinite(idleMs)) {
      clearTimeout(idle);
      idle = setTimeout(() => {
        const reason = new Error(`the client read nothing for ${idleMs} ms`);
        abort();
        controller.error(reason);
      }, idleMs);
    }
  };

  return new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
        out.on("data", (chunk: Buffer) => {
          // A stopped zip's body is already cancelled or errored: late bytes go nowhere.
          if (stopped) return;
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) <= 0) pause();
        });
        out.on("end", () => {
          if (stopped) return;
          stopped = true;
          clearTimeout(idle);
          controller.close();
        });
        // After a stop, yazl may still write to the destroyed stream: nothing to report.
        out.on("error", (error) => (stopped ? undefined : fail(error)));
        out.pause();
      },
      pull() {
        clearTimeout(idle);
        out.resume();
      },
      cancel() {
        abort();
      },
    },
    { highWaterMark: 0 },
  );
}
