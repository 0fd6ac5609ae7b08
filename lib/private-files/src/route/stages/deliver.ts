import type { AnySession } from "../../config/types.js";
import { StorageReadError, type Handoff } from "../../delivery/mode.js";
import { deliveryModeName, deliveryModeOf } from "../../delivery/registry.js";
import type { DownloadEvent } from "../../hooks/pre-download.js";
import type { OpenedFile } from "../../storage/types.js";
import { announceFinished, firePreDownload } from "../announce.js";
import type { Download } from "../download.js";
import { reject, type Rejection } from "../rejection.js";
import { TimeoutError, withTimeout } from "../with-timeout.js";
import type { LinkGrant } from "./authorize.js";
import type { BytesPlan } from "./plan.js";
import { giveBack, type SpentLink } from "./spend-link.js";

/**
 * Stage 6, deliver: `preDownload` (within `timeoutMs`; a listener that fails aborts the
 * download), then the field's delivery mode sends the bytes or hands them over (see
 * delivery/registry.ts). Every end is reported to `downloadFinished`; a failure before
 * the first byte gives a spent single-use link back.
 */
export async function deliver(download: Download, file: OpenedFile, planned: BytesPlan, link: LinkGrant | null, spent: SpentLink | null): Promise<Response | Rejection> {
  const { config, field, log } = download;
  const event: DownloadEvent<unknown, AnySession> = { ...download.party, range: planned.range, size: file.size, link: link?.use ?? null };
  const startedAt = new Date();
  try {
    await withTimeout(firePreDownload(download, event), config.timeoutMs, "preDownload listeners");
  } catch (error) {
    await Promise.all([file.close(), spent ? giveBack(download, spent) : undefined]);
    const timedOut = error instanceof TimeoutError;
    log.error(`preDownload listener ${timedOut ? "timed out" : "threw"}; download aborted`, { error: timedOut ? error.message : String(error) });
    announceFinished(download, event, startedAt, "failed", timedOut ? 503 : 500, 0);
    return timedOut ? reject.unavailable() : reject.failed();
  }

  const delivery = config.deliveryOf(field);
  // Known: definePrivateFiles refuses a mode the registry does not have, at start-up.
  const mode = deliveryModeOf(delivery)!;
  // nginx, Apache/lighttpd or the object store send the bytes (and redo Range and
  // conditional handling on the same file); the route has authorized and counted.
  if (mode.offloads) await file.close();
  const { status, headers, range } = planned;
  const handoff: Handoff = {
    file,
    storedPath: download.served.storedPath,
    storage: config.storageOf(field),
    status,
    headers,
    range,
    idleTimeoutMs: config.idleTimeoutMs,
    report: (outcome, bytesSent) => announceFinished(download, event, startedAt, outcome, status, bytesSent),
  };
  try {
    const response = await mode.deliver(delivery, handoff);
    if (mode.offloads) announceFinished(download, event, startedAt, "offloaded", response.status, 0);
    return response;
  } catch (error) {
    if (spent) await giveBack(download, spent);
    if (error instanceof StorageReadError) {
      log.error("storage failed", { error: String(error.cause) });
      announceFinished(download, event, startedAt, "failed", 503, 0);
      return reject.unavailable();
    }
    log.error("could not hand the download over", { mode: deliveryModeName(delivery), error: String(error) });
    announceFinished(download, event, startedAt, "failed", 500, 0);
    return reject.failed();
  }
}
