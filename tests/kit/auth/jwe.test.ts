import { createCipheriv, randomBytes } from "node:crypto";
import { calculateJwkThumbprint, base64url, CompactEncrypt, EncryptJWT, jwtDecrypt } from "jose";
import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decryptDirJwe, octKeyThumbprint, SessionTokenError, type ContentEncryption } from "../../../lib/private-files/src/auth/jwe";

// The kit's own JWE decoder (src/auth/jwe.ts) against jose's `jwtDecrypt`, which it
// replaces in the session getters: on the libraries' real tokens and on every way a token
// can be wrong, both must accept the same tokens with the same claims and refuse the rest.

const GCM_KEY = new Uint8Array(randomBytes(32));
const CBC_KEY = new Uint8Array(randomBytes(64));
const now = () => Math.floor(Date.now() / 1000);

type Outcome = { claims: Record<string, unknown> } | { refused: true };

async function withJose(token: string, key: Uint8Array, enc: ContentEncryption): Promise<Outcome> {
  try {
    const { payload } = await jwtDecrypt(token, key, { clockTolerance: 15, keyManagementAlgorithms: ["dir"], contentEncryptionAlgorithms: [enc] });
    return { claims: { ...payload } };
  } catch {
    return { refused: true };
  }
}

function withKit(token: string, key: Uint8Array, enc: ContentEncryption): Outcome {
  try {
    return { claims: decryptDirJwe(token, [enc], () => key, 15) };
  } catch (error) {
    expect(error).toBeInstanceOf(SessionTokenError);
    return { refused: true };
  }
}

/** Both decoders on one token: the same outcome, and the one expected. */
async function expectBoth(token: string, key: Uint8Array, enc: ContentEncryption, expected: "accept" | "refuse"): Promise<void> {
  const kit = withKit(token, key, enc);
  expect(kit).toEqual(await withJose(token, key, enc));
  expect("claims" in kit ? "accept" : "refuse").toBe(expected);
}

function jwt(claims: Record<string, unknown>, enc: ContentEncryption, header: Record<string, unknown> = {}): Promise<string> {
  return new EncryptJWT(claims).setProtectedHeader({ alg: "dir", enc, ...header }).encrypt(enc === "A256GCM" ? GCM_KEY : CBC_KEY);
}

/** The token with one character of segment `index` changed. */
function tampered(token: string, index: number): string {
  const parts = token.split(".");
  const part = parts[index]!;
  const at = Math.floor(part.length / 2);
  parts[index] = `${part.slice(0, at)}${part[at] === "A" ? "B" : "A"}${part.slice(at + 1)}`;
  return parts.join(".");
}

describe("decryptDirJwe against jose's jwtDecrypt", () => {
  it("reads next-auth 4's own cookie as jose does (A256GCM, its derived key)", async () => {
    const secret = "jwe-test-secret";
    const token = await encode({ token: { sub: "7", name: "Alice", role: "x" }, secret });
    const { hkdfSync } = await import("node:crypto");
    const key = new Uint8Array(hkdfSync("sha256", secret, "", "NextAuth.js Generated Encryption Key", 32));
    await expectBoth(token, key, "A256GCM", "accept");
    expect(withKit(token, key, "A256GCM")).toMatchObject({ claims: { sub: "7", name: "Alice", role: "x" } });
  });

  for (const enc of ["A256GCM", "A256CBC-HS512"] as const) {
    const key = enc === "A256GCM" ? GCM_KEY : CBC_KEY;
    describe(enc, () => {
      it("accepts a good token, and refuses it with one character changed in any segment", async () => {
        const token = await jwt({ sub: "1", exp: now() + 60 }, enc);
        await expectBoth(token, key, enc, "accept");
        for (const index of [0, 2, 3, 4]) await expectBoth(tampered(token, index), key, enc, "refuse");
      });

      it("refuses another key, a key segment, and a token that is not five segments", async () => {
        const token = await jwt({ sub: "1" }, enc);
        await expectBoth(token, new Uint8Array(randomBytes(key.byteLength)), enc, "refuse");
        const parts = token.split(".");
        await expectBoth([parts[0], "AAAA", ...parts.slice(2)].join("."), key, enc, "refuse");
        await expectBoth(parts.slice(0, 4).join("."), key, enc, "refuse");
        await expectBoth(`${token}.x`, key, enc, "refuse");
      });

      it("checks exp and nbf with 15 s of tolerance, and the claims' types", async () => {
        await expectBoth(await jwt({ exp: now() - 60 }, enc), key, enc, "refuse");
        await expectBoth(await jwt({ exp: now() - 5 }, enc), key, enc, "accept");
        await expectBoth(await jwt({ nbf: now() + 60 }, enc), key, enc, "refuse");
        await expectBoth(await jwt({ nbf: now() + 5 }, enc), key, enc, "accept");
        for (const claim of ["iat", "nbf", "exp"]) await expectBoth(await jwt({ [claim]: "soon" }, enc), key, enc, "refuse");
      });

      it("refuses a replicated iss that differs from the claim, and accepts one that matches", async () => {
        await expectBoth(await jwt({ iss: "a" }, enc, { iss: "b" }), key, enc, "refuse");
        await expectBoth(await jwt({ iss: "a" }, enc, { iss: "a" }), key, enc, "accept");
      });

      it("refuses a payload that is not a JSON object", async () => {
        for (const payload of ["[1]", "5", "not json"]) {
          const token = await new CompactEncrypt(new TextEncoder().encode(payload)).setProtectedHeader({ alg: "dir", enc }).encrypt(key);
          await expectBoth(token, key, enc, "refuse");
        }
      });
    });
  }

  it("refuses a critical extension (crit), as jose does", async () => {
    // jose will not make such a token: the header is written and sealed here with node:crypto.
    const header = base64url.encode(JSON.stringify({ alg: "dir", enc: "A256GCM", crit: ["exp"], exp: 1 }));
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", GCM_KEY, iv);
    cipher.setAAD(Buffer.from(header, "ascii"));
    const ciphertext = Buffer.concat([cipher.update('{"sub":"1"}'), cipher.final()]);
    const critical = [header, "", iv.toString("base64url"), ciphertext.toString("base64url"), cipher.getAuthTag().toString("base64url")].join(".");
    await expectBoth(critical, GCM_KEY, "A256GCM", "refuse");
    // The same token without crit is accepted: the refusal is the extension's.
    const plainHeader = base64url.encode(JSON.stringify({ alg: "dir", enc: "A256GCM" }));
    const plain = createCipheriv("aes-256-gcm", GCM_KEY, iv);
    plain.setAAD(Buffer.from(plainHeader, "ascii"));
    const sealed = Buffer.concat([plain.update('{"sub":"1"}'), plain.final()]);
    await expectBoth([plainHeader, "", iv.toString("base64url"), sealed.toString("base64url"), plain.getAuthTag().toString("base64url")].join("."), GCM_KEY, "A256GCM", "accept");
  });

  it("refuses what the session libraries never emit: another alg or enc, compression, a kid that is not a string", async () => {
    const wrapped = await new EncryptJWT({ sub: "1" }).setProtectedHeader({ alg: "A256KW", enc: "A256GCM" }).encrypt(GCM_KEY);
    expect(withKit(wrapped, GCM_KEY, "A256GCM")).toEqual({ refused: true });
    const otherEnc = await new EncryptJWT({ sub: "1" }).setProtectedHeader({ alg: "dir", enc: "A128GCM" }).encrypt(new Uint8Array(16));
    expect(withKit(otherEnc, GCM_KEY, "A256GCM")).toEqual({ refused: true });
    // An enc the caller did not accept: a valid A256GCM token where only CBC is accepted.
    const gcm = await jwt({ sub: "1" }, "A256GCM");
    expect(() => decryptDirJwe(gcm, ["A256CBC-HS512"], () => GCM_KEY, 15)).toThrow(SessionTokenError);
    // jose 4 would inflate a `zip: "DEF"` payload; no session library sets it, and jose 5+ refuses it too.
    const zipped = await new CompactEncrypt(new TextEncoder().encode("{}")).setProtectedHeader({ alg: "dir", enc: "A256GCM", zip: "DEF" }).encrypt(GCM_KEY);
    expect(withKit(zipped, GCM_KEY, "A256GCM")).toEqual({ refused: true });
    const numericKid = await jwt({ sub: "1" }, "A256GCM", { kid: 5 });
    expect(withKit(numericKid, GCM_KEY, "A256GCM")).toEqual({ refused: true });
  });

  it("hands keyFor the header, and refuses when it has no key", async () => {
    const token = await jwt({ sub: "1" }, "A256GCM", { kid: "k1" });
    const seen: unknown[] = [];
    expect(decryptDirJwe(token, ["A256GCM"], (header) => (seen.push(header.kid), header.kid === "k1" ? GCM_KEY : undefined), 15)).toMatchObject({ sub: "1" });
    expect(seen).toEqual(["k1"]);
    expect(() => decryptDirJwe(token, ["A256GCM"], () => undefined, 15)).toThrow(SessionTokenError);
  });
});

describe("octKeyThumbprint", () => {
  it("is jose's calculateJwkThumbprint of the key as an oct JWK", async () => {
    expect(octKeyThumbprint(GCM_KEY, "sha256")).toBe(await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(GCM_KEY) }, "sha256"));
    expect(octKeyThumbprint(CBC_KEY, "sha512")).toBe(await calculateJwkThumbprint({ kty: "oct", k: base64url.encode(CBC_KEY) }, "sha512"));
  });
});
