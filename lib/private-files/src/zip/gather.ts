import type { ResolvedConfig } from "../config/define.js";
import type { AnySession } from "../config/types.js";
import type { Download } from "../route/download.js";
import { isRejection, type Rejection } from "../route/rejection.js";
import { authorize } from "../route/stages/authorize.js";
import { open } from "../route/stages/open.js";
import { resolveEntry } from "../route/stages/resolve.js";
import type { ArchiveInfo } from "./archive-info.js";
import type { ZipSelection } from "./items.js";

/** A file of the zip that passed: its download, and what its open found (its size, and the version to stream). */
export interface GrantedEntry {
  readonly download: Download;
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
}

/** A file of the zip that did not, with the stage's rejection, and its download when its record was found (for `downloadDenied`). */
export interface RefusedEntry {
  readonly index: number;
  readonly rejection: Rejection;
  readonly download: Download | null;
}

/** Entries judged at once: enough to hide the database's latency, few enough to hold few files open. */
const CONCURRENCY = 8;

/**
 * Every file of the selection through the single-file route's own stages: resolve (by
 * model, field and id), authorize (the field's condition), open (it exists; its size).
 * Each file is closed again right after: the zip opens them one at a time when it
 * streams them, so a thousand entries never hold a thousand descriptors.
 */
export async function gatherEntries(
  config: ResolvedConfig,
  request: Request,
  selection: ZipSelection,
  session: AnySession | null,
  archiveOf: (index: number) => ArchiveInfo,
): Promise<{ granted: GrantedEntry[]; refused: RefusedEntry[] }> {
  const results: (GrantedEntry | RefusedEntry)[] = new Array(selection.items.length);
  let next = 0;
  const work = async () => {
    while (next < selection.items.length) {
      const index = next++;
      results[index] = await judge(config, request, selection.items[index]!, session, archiveOf(index), index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, selection.items.length) }, work));
  const granted: GrantedEntry[] = [];
  const refused: RefusedEntry[] = [];
  for (const result of results) {
    if ("rejection" in result) refused.push(result);
    else granted.push(result);
  }
  return { granted, refused };
}

async function judge(
  config: ResolvedConfig,
  request: Request,
  item: ZipSelection["items"][number],
  session: AnySession | null,
  archive: ArchiveInfo,
  index: number,
): Promise<GrantedEntry | RefusedEntry> {
  const download = await resolveEntry(config, request, item, session, archive);
  if (isRejection(download)) return { index, rejection: download, download: null };
  const link = await authorize(download);
  if (isRejection(link)) return { index, rejection: link, download };
  const file = await open(download);
  if (isRejection(file)) return { index, rejection: file, download };
  const { size, etag, lastModified } = file;
  await file.close();
  return { download, size, etag, lastModified };
}
