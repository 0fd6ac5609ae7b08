// What clamd answers to INSTREAM, read into one of four cases. clamd ends a reply to a
// `z`-prefixed command with a NUL; newline-terminated replies (`n` prefix) are read too.
//   stream: OK                          → clean
//   stream: <signature> FOUND           → infected
//   <anything> ERROR                    → clamd could not scan (size limit, out of memory…)
//   anything else                       → not a reply we understand: fail closed

/** One clamd reply to `zINSTREAM`, parsed. */
export type ClamdScanReply =
  | { readonly kind: "clean" }
  | { readonly kind: "infected"; readonly signature: string }
  | { readonly kind: "error"; readonly message: string }
  | { readonly kind: "unrecognized"; readonly text: string };

/** The reply's text without its terminator (NUL or newline) and surrounding space. */
export function replyText(raw: string): string {
  return raw.replace(/[\0\r\n]+$/, "").trim();
}

export function parseScanReply(raw: string): ClamdScanReply {
  const text = replyText(raw);
  // ERROR first: "stream: Can't allocate memory ERROR" also starts with "stream: ".
  const error = /^(.*?)\s*ERROR$/s.exec(text);
  if (error) return { kind: "error", message: error[1]!.replace(/^stream:\s*/, "") || "ERROR" };
  if (text === "stream: OK") return { kind: "clean" };
  const found = /^stream: (\S.*?) FOUND$/s.exec(text);
  if (found) return { kind: "infected", signature: found[1]! };
  return { kind: "unrecognized", text };
}
