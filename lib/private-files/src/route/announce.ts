import type { AnySession } from "../config/types.js";
import { sendDownloadDenied, type DenialEvent } from "../hooks/download-denied.js";
import { sendDownloadFinished, type DownloadFinishedEvent, type DownloadOutcome } from "../hooks/download-finished.js";
import { sendPreDownload, type DownloadEvent } from "../hooks/pre-download.js";
import type { DenialReason } from "../hooks/download-denied.js";
import type { Download } from "./download.js";
import { withTimeout } from "./with-timeout.js";

// The hooks, as the route fires them: the module-level listeners (the seed's
// `preDownload.connect`) first, then the configuration's own (`on`).

/** Awaits the module-level listeners' run, then each of the configuration's in order. */
async function fire<E>(moduleLevel: Promise<void>, own: readonly ((event: E) => unknown)[], event: E): Promise<void> {
  await moduleLevel;
  for (const listener of own) await listener(event);
}

/** `preDownload`, unbounded: the deliver stage puts its timeout on it and answers its failure. */
export function firePreDownload(download: Download, event: DownloadEvent<unknown, AnySession>): Promise<void> {
  return fire(sendPreDownload(download.entry.model, event), download.config.hooks.preDownload, event);
}

/** `downloadDenied`, awaited before the refusal goes out, so an audit row exists when the client sees it; never changes the answer. */
export async function announceDenial(download: Download, reason: DenialReason, status: number): Promise<void> {
  const { config, entry } = download;
  const event: DenialEvent<unknown, AnySession> = { ...download.party, reason, status };
  try {
    await withTimeout(fire(sendDownloadDenied(entry.model, event), config.hooks.downloadDenied, event), config.timeoutMs, "downloadDenied listeners");
  } catch (error) {
    download.log.error("downloadDenied listener failed", { error: String(error) });
  }
}

/** `downloadFinished`, in the background: the body has already ended. */
export function announceFinished(download: Download, started: DownloadEvent<unknown, AnySession>, startedAt: Date, outcome: DownloadOutcome, status: number, bytesSent: number): void {
  const event: DownloadFinishedEvent<unknown, AnySession> = { ...started, outcome, status, bytesSent, startedAt, durationMs: Date.now() - startedAt.getTime() };
  fire(sendDownloadFinished(download.entry.model, event), download.config.hooks.downloadFinished, event).catch((error: unknown) => {
    download.log.error("downloadFinished listener failed", { error: String(error) });
  });
}
