import { Metadata } from "@tus/utils";
import type { UploadIntent } from "../upload/intake/begin.js";

/** The Upload-Metadata keys that name the upload's target and file; the rest is the upload's metadata. */
export const TARGET_KEYS = ["model", "field", "filename"] as const;

/** A creation request the route refuses before asking the core (400). */
export class CreationRequestError extends Error {
  readonly status = 400;
}

/**
 * The intent of a tus creation request: `Upload-Length` (required: no deferred length,
 * the quota is reserved from it) and `Upload-Metadata`'s `model`, `field` and
 * `filename`; every other key goes to the intent's metadata (the condition sees it).
 */
export function creationIntent(request: Request): UploadIntent {
  if (request.headers.has("upload-defer-length")) {
    throw new CreationRequestError("Upload-Defer-Length is not supported: declare the Upload-Length (the quota is reserved from it)");
  }
  const length = request.headers.get("upload-length");
  if (length === null || !/^\d{1,16}$/.test(length) || !Number.isSafeInteger(Number(length))) {
    throw new CreationRequestError("Upload-Length is required: the file's size in bytes");
  }
  let parsed: Record<string, string | null>;
  try {
    const header = request.headers.get("upload-metadata");
    parsed = header === null ? {} : Metadata.parse(header);
  } catch {
    throw new CreationRequestError("Upload-Metadata is malformed");
  }
  const [model, field, name] = TARGET_KEYS.map((key) => parsed[key]);
  if (!model || !field || !name) {
    throw new CreationRequestError("Upload-Metadata needs model, field and filename");
  }
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!(TARGET_KEYS as readonly string[]).includes(key) && value !== null) metadata[key] = value;
  }
  return { model, field, name, size: Number(length), metadata };
}
