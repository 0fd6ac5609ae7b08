import { createHmac, timingSafeEqual } from "node:crypto";
import type { ZipSelection } from "./items.js";

// A signed selection: `<payload>.<signature>`, the `?selection=` of a zip GET.
//   payload    base64url of JSON { v: 1, e: <expiry, Unix seconds>, n: <name | null>, i: [[model, field, id], ...] }
//   signature  43 base64url characters: HMAC-SHA256 under the link secret over
//              "private-files-zip-v1." + payload
// The signature covers the payload exactly as sent, so no canonical form is needed, and a
// changed byte anywhere is refused. It proves the app made this list; it grants nothing
// (see docs/zips.md): each file is still authorized for the requester's session.

const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;
const PAYLOAD = /^[A-Za-z0-9_-]+$/;

/** Why a `?selection=` was refused (403). */
export type SelectionRefusal = "selection-malformed" | "selection-invalid" | "selection-expired";

/** The token for `selection`, valid until `expires` (Unix seconds), signed with `secret`. */
export function signSelection(selection: ZipSelection, expires: number, secret: string): string {
  const content = { v: 1, e: expires, n: selection.name, i: selection.items.map(({ model, field, id }) => [model, field, id]) };
  const payload = Buffer.from(JSON.stringify(content)).toString("base64url");
  return `${payload}.${sign(payload, secret)}`;
}

/**
 * The selection a token carries, when one of `secrets` signed it and it has not expired;
 * else why not. The content is returned as decoded JSON, `{ items, name }`, to be parsed
 * like a POST body (it was made by `signSelection`, but is read as carefully).
 */
export function openSelection(token: string, secrets: readonly string[], now: Date): { body: unknown } | { refused: SelectionRefusal } {
  const dot = token.lastIndexOf(".");
  const payload = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (dot <= 0 || !PAYLOAD.test(payload) || !SIGNATURE.test(signature)) return { refused: "selection-malformed" };
  const given = Buffer.from(signature);
  let valid = false;
  // Every secret is tried, so the time taken does not tell which one matched.
  for (const secret of secrets) if (timingSafeEqual(Buffer.from(sign(payload, secret)), given)) valid = true;
  if (!valid) return { refused: "selection-invalid" };
  let content: { v?: unknown; e?: unknown; n?: unknown; i?: unknown };
  try {
    content = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as typeof content;
  } catch {
    return { refused: "selection-malformed" };
  }
  if (content.v !== 1 || typeof content.e !== "number" || !Array.isArray(content.i)) return { refused: "selection-malformed" };
  if (content.e * 1000 <= now.getTime()) return { refused: "selection-expired" };
  const items = content.i.map((item: unknown) => (Array.isArray(item) ? { model: item[0], field: item[1], id: item[2] } : item));
  return { body: { items, name: content.n } };
}

function sign(payload: string, secret: string): string {
  return createHmac("sha256", secret).update(`private-files-zip-v1.${payload}`).digest("base64url");
}
