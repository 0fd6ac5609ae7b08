import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseToken, signToken, verifySignature } from "../../../lib/private-files/src/links/token";
import { PROPERTY_TIMEOUT_MS, RUNS } from "./runs";

// A link token is the permission to a file: no edit of it may still be accepted.
// Base64url is the trap: a 32-byte digest takes 43 characters, whose last carries 2
// unused bits, so several last characters decode to the same digest. The kit compares
// the text, not the decoded bytes; this property finds it if that ever changes.

const SECRET = "property-test-link-secret-0123456789";
const file = { model: "Doc", field: "file", recordId: "42", storedPath: "docs/2026/report.pdf" };
const accepted = (token: string) => {
  const parsed = parseToken(token);
  return parsed !== null && verifySignature(parsed, file, [SECRET]);
};

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/% ~é\u0000";
const tokens = fc
  .record({
    id: fc.stringMatching(/^[A-Za-z0-9_-]{22}$/),
    expires: fc.integer({ min: 1, max: 99_999_999_999 }),
    singleUse: fc.boolean(),
  })
  .map((claims) => signToken({ ...file, ...claims }, SECRET));

describe("link token", () => {
  it(
    "rejects every token with one character replaced, removed or added",
    () => {
      fc.assert(
        fc.property(tokens, fc.nat(), fc.constantFrom(...ALPHABET), fc.constantFrom("replace", "remove", "insert"), (token, at, char, edit) => {
          expect(accepted(token)).toBe(true);
          const i = at % token.length;
          const changed =
            edit === "replace" ? token.slice(0, i) + char + token.slice(i + 1) : edit === "remove" ? token.slice(0, i) + token.slice(i + 1) : token.slice(0, i) + char + token.slice(i);
          fc.pre(changed !== token);
          expect(accepted(changed)).toBe(false);
        }),
        RUNS,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    "rejects every last character of the signature but the one it was given (the unused bits count)",
    () => {
      fc.assert(
        fc.property(tokens, (token) => {
          const base = token.slice(0, -1);
          const kept = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].filter((last) => accepted(base + last));
          expect(kept).toEqual([token.at(-1)]);
        }),
        { ...RUNS, numRuns: Math.ceil(RUNS.numRuns / 10) },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
