import { defaultOptions, type DetailedError, type PreviousUpload } from "tus-js-client";
import { formatSize } from "./format";

// The upload form's dealings with the tus route (app/uploads/[[...tus]]/route.ts), apart
// from its rendering: what it uploads to, its chunking and retry policy, what it tells
// people about a refusal, and the unfinished uploads this browser remembers.

/** An upload begun in this browser and not finished (kept by tus-js-client in localStorage), still on the server. */
export interface Unfinished {
  previous: PreviousUpload;
  name: string;
  size: number;
  percent: number;
}

/** The tus route (app/uploads/[[...tus]]/route.ts) and what it uploads to. */
export const ENDPOINT = "/uploads";
export const TARGET = { model: "FileSubmission", field: "file" } as const;

// 50 MiB per PATCH. The route streams each body to storage, so one PATCH for the whole
// file would do on a direct connection; chunks keep every request under the body limit
// of a proxy in front of the app (Cloudflare's is 100 MB) and bound what one dropped
// request costs when the storage keeps only whole parts (S3: 8 MiB parts). Progress is
// reported within a chunk, so its size does not make the bar jumpy.
export const CHUNK_BYTES = 50 * 1024 * 1024;
// A dropped connection is retried at once, then after 1, 3, 5, 10 and 20 s (a Wi-Fi
// hand-over, a server restart); after that the form waits for Resume or for the
// browser to come back online.
export const RETRY_DELAYS = [0, 1000, 3000, 5000, 10_000, 20_000];

export const extensionOf = (name: string) => {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
};

export const percentOf = (sent: number, total: number) => (total > 0 ? Math.floor((sent / total) * 100) : 100);

/** The `error` of the app's JSON answers (`{ error }`), or "" for anything else (a proxy's HTML page…). */
function errorDetail(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === "object" && parsed !== null && "error" in parsed && typeof parsed.error === "string") return parsed.error;
  } catch {
    // not JSON
  }
  return "";
}

/** What to tell the user about a refusal (status and body of the server's answer). */
export function serverMessage(status: number, body: string, name: string, maxBytes: number): string {
  const detail = errorDetail(body);
  switch (status) {
    case 413:
      // Over the storage quota (the server says how much is used), or over the file size limit.
      return /quota/.test(detail) ? `“${name}” was not kept: ${detail}.` : `“${name}” is too large: the limit is ${formatSize(maxBytes)}.`;
    case 429:
      return `${detail || "Too many uploads at once"}.`;
    case 408:
      return "The upload stalled and was stopped. Check your connection, then upload the file again.";
    case 415:
      return `This type of file is not allowed: ${detail || "the server refused it"}.`;
    case 422:
      return `“${name}” was not kept: ${detail || "it failed the malware check"}.`;
    case 401:
      return "You are signed out. Sign in again, then upload the file.";
    case 403:
      return `You may not upload this file${detail ? `: ${detail}` : ""}.`;
    case 404:
    case 410:
      return `The unfinished upload of “${name}” is gone (it expired or was removed). Upload the file again.`;
    default:
      return detail ? `The upload failed: ${detail}.` : `The upload failed (HTTP ${status}).`;
  }
}

/**
 * Whether tus-js-client should try again by itself: a dropped connection, a lock or
 * offset conflict (409, 423), a gateway's 5xx. Not the app's own JSON refusals (415,
 * 422, a 503 whose upload was already removed…): the server decided, retrying would
 * only send the file again.
 */
export function worthRetrying(error: DetailedError): boolean {
  const response = error.originalResponse;
  if (response === null) return true;
  const status = response.getStatus();
  if (status === 409 || status === 423) return true;
  return status >= 500 && errorDetail(response.getBody()) === "";
}

/** tus-js-client's fingerprint of `file` for this endpoint (the key of its localStorage entries). */
export const fingerprintOf = (file: File) => defaultOptions.fingerprint(file, { endpoint: ENDPOINT });

/**
 * The unfinished uploads this browser remembers, as the server still knows them: HEAD
 * gives each one's offset. Entries the server answers 404 or 410 for (finished elsewhere,
 * expired, or another user's on a shared browser) are forgotten.
 */
export async function findUnfinished(): Promise<Unfinished[]> {
  const stored = await defaultOptions.urlStorage.findAllUploads();
  const ours = stored.filter((entry) => entry.metadata.model === TARGET.model && entry.metadata.field === TARGET.field && entry.uploadUrl);
  const found = await Promise.all(
    ours.slice(0, 5).map(async (previous): Promise<Unfinished | null> => {
      try {
        const head = await fetch(previous.uploadUrl!, { method: "HEAD", headers: { "Tus-Resumable": "1.0.0" }, cache: "no-store" });
        if (head.status === 404 || head.status === 410) {
          await defaultOptions.urlStorage.removeUpload(previous.urlStorageKey);
          return null;
        }
        if (!head.ok) return null;
        const size = Number(head.headers.get("upload-length") ?? previous.size ?? 0);
        const offset = Number(head.headers.get("upload-offset") ?? 0);
        return { previous, name: previous.metadata.filename ?? "a file", size, percent: percentOf(offset, size) };
      } catch {
        return null; // offline: nothing to offer now
      }
    }),
  );
  return found.filter((entry): entry is Unfinished => entry !== null);
}
