// The JSON bodies the route accepts, checked field by field: anything else is a 400.
import { readJson } from "../http/body-limit.js";
import type { UploadIntent } from "./core.js";
import { MAX_PARTS } from "./plan.js";
import { DirectUploadError } from "./responses.js";

/** An intent is a few short strings; a completion lists up to 10 000 parts of ~60 bytes. */
const INTENT_LIMIT = 64 * 1024;
const COMPLETION_LIMIT = 1024 * 1024;
const MAX_ETAG_LENGTH = 256;

const bad = (message: string) => new DirectUploadError(400, message);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(body: Record<string, unknown>, name: string): string {
  const value = body[name];
  if (typeof value !== "string" || value.length === 0) throw bad(`"${name}" must be a non-empty string`);
  return value;
}

/** `{ model, field, name, size, metadata? }`. Readjson refuses non-JSON content types (CSRF). */
export async function readIntent(request: Request): Promise<UploadIntent> {
  const body = await readJson(request, { limit: INTENT_LIMIT });
  if (!isRecord(body)) throw bad("send { model, field, name, size, metadata? }");
  const size = body.size;
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) throw bad(`"size" must be the file's length in bytes`);
  const intent = { model: text(body, "model"), field: text(body, "field"), name: text(body, "name"), size };
  if (body.metadata !== undefined) {
    if (!isRecord(body.metadata)) throw bad(`"metadata" must be an object of strings`);
    const metadata: Record<string, string> = {};
    for (const [key, value] of Object.entries(body.metadata)) {
      if (typeof value !== "string") throw bad(`"metadata.${key.slice(0, 40)}" must be a string`);
      metadata[key] = value;
    }
    return { ...intent, metadata };
  }
  return intent;
}

/** One uploaded part, as the browser read its ETag from S3's answer. */
export interface CompletedPart {
  readonly partNumber: number;
  readonly etag: string;
}

function partNumbers(value: unknown, name: string): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_PARTS) {
    throw bad(`"${name}" must be a part number from 1 to ${MAX_PARTS}`);
  }
  return value;
}

/** `{ parts?: [{ partNumber, etag }] }` (an empty body is `{}`). */
export async function readCompletion(request: Request): Promise<{ parts: CompletedPart[] | undefined }> {
  const empty = request.headers.get("content-length") === "0" || request.body === null;
  const body = empty ? {} : await readJson(request, { limit: COMPLETION_LIMIT });
  if (!isRecord(body)) throw bad("send { parts?: [{ partNumber, etag }] }");
  if (body.parts === undefined) return { parts: undefined };
  if (!Array.isArray(body.parts)) throw bad(`"parts" must be a list of { partNumber, etag }`);
  const parts = body.parts.map((part: unknown, index): CompletedPart => {
    if (!isRecord(part)) throw bad(`parts[${index}] must be { partNumber, etag }`);
    const etag = part.etag;
    if (typeof etag !== "string" || etag.length === 0 || etag.length > MAX_ETAG_LENGTH) throw bad(`parts[${index}].etag must be the part's ETag`);
    return { partNumber: partNumbers(part.partNumber, `parts[${index}].partNumber`), etag };
  });
  return { parts };
}

/** `{ partNumbers: [n, …] }`: the parts whose URLs the browser wants signed again. */
export async function readPartNumbers(request: Request): Promise<number[]> {
  const body = await readJson(request, { limit: INTENT_LIMIT });
  if (!isRecord(body) || !Array.isArray(body.partNumbers) || body.partNumbers.length === 0) throw bad("send { partNumbers: [1, 2, …] }");
  return body.partNumbers.map((value: unknown, index) => partNumbers(value, `partNumbers[${index}]`));
}
