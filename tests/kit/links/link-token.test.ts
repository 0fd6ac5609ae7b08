import { describe, expect, it } from "vitest";
import { LinkSecretError } from "next-private-files";
import { linkSecrets } from "../../../lib/private-files/src/links/secrets";
import { newLinkId, parseToken, signToken, verifySignature, type LinkClaims } from "../../../lib/private-files/src/links/token";

const SECRET = "s".repeat(32);
const OLD = "o".repeat(32);
const file = { model: "Doc", field: "file", recordId: "7", storedPath: "docs/a.pdf" };
const claims: LinkClaims = { ...file, expires: 2_000_000_000, id: "Zm9yLXRoZS10b2tlbi10ZX", singleUse: false };

const verify = (token: string, context = file, secrets = [SECRET]) => {
  const parsed = parseToken(token);
  return parsed !== null && verifySignature(parsed, context, secrets);
};

describe("link tokens", () => {
  it("are <id>.<expires>.<kind>.<signature> in URL-safe characters, and verify for the file they were made for", () => {
    const token = signToken(claims, SECRET);
    expect(token).toMatch(/^[A-Za-z0-9_-]{22}\.2000000000\.m\.[A-Za-z0-9_-]{43}$/);
    expect(encodeURIComponent(token)).toBe(token);
    expect(parseToken(token)).toEqual({ id: claims.id, expires: 2_000_000_000, singleUse: false, signature: token.split(".")[3] });
    expect(verify(token)).toBe(true);
    expect(signToken({ ...claims, singleUse: true }, SECRET)).toMatch(/\.s\./);
  });

  it("do not verify for another model, field, record or stored file, nor under another secret", () => {
    const token = signToken(claims, SECRET);
    for (const other of [{ model: "Other" }, { field: "thumb" }, { recordId: "8" }, { recordId: "70" }, { storedPath: "docs/b.pdf" }]) {
      expect(verify(token, { ...file, ...other }), JSON.stringify(other)).toBe(false);
    }
    expect(verify(token, file, [OLD])).toBe(false);
  });

  it("sign what they carry: a changed expiry, id or kind breaks the signature", () => {
    const [id, expires, kind, sig] = signToken(claims, SECRET).split(".") as [string, string, string, string];
    expect(verify([id, String(Number(expires) + 1), kind, sig].join("."))).toBe(false);
    expect(verify([newLinkId(), expires, kind, sig].join("."))).toBe(false);
    expect(verify([id, expires, "s", sig].join("."))).toBe(false);
  });

  it("cannot shift a value across the field boundaries", () => {
    const a = signToken({ ...claims, model: "Do", field: "cfile" }, SECRET);
    const b = signToken({ ...claims, model: "Doc", field: "file" }, SECRET);
    expect(a.split(".")[3]).not.toBe(b.split(".")[3]);
  });

  it("verify under any accepted secret: a rotation keeps live links working", () => {
    const old = signToken(claims, OLD);
    expect(verify(old, file, [SECRET])).toBe(false);
    expect(verify(old, file, [SECRET, OLD])).toBe(true);
    expect(verify(signToken(claims, SECRET), file, [SECRET, OLD])).toBe(true);
  });

  it("parse only in their one canonical form", () => {
    const token = signToken(claims, SECRET);
    const [id, expires, kind, sig] = token.split(".") as [string, string, string, string];
    for (const bad of [
      "",
      "garbage",
      `${token}.`,
      `.${token}`,
      [id, `0${expires}`, kind, sig].join("."),
      [id, `${expires}.0`, kind, sig].join("."),
      [id, "1e9", kind, sig].join("."),
      [id, "-1", kind, sig].join("."),
      [id, expires, "x", sig].join("."),
      [id, expires, kind, `${sig}=`].join("."),
      [id, expires, kind, sig.slice(1)].join("."),
      [`${id}A`, expires, kind, sig].join("."),
      [id.replace(/./, "+"), expires, kind, sig].join("."),
      token.replace(/\./g, "%2E"),
    ]) {
      expect(parseToken(bad), bad).toBeNull();
    }
  });
});

describe("link tokens: the v1 format", () => {
  // Tokens already handed out must keep verifying after an upgrade, and a token must
  // never verify as another format: the exact bytes signed are part of the contract.
  // The expected values follow the format in links/token.ts: HMAC-SHA256 over
  // "private-files-link-v1", model, field, record id, stored path, expiry, id and
  // kind ("m" or "s"), each as "<byte length>:<value>", concatenated.
  const fixed: LinkClaims = { ...file, expires: 2_000_000_000, id: "AAAAAAAAAAAAAAAAAAAAAA", singleUse: false };

  it("signs exactly the documented message (known answers)", () => {
    expect(signToken(fixed, SECRET)).toBe("AAAAAAAAAAAAAAAAAAAAAA.2000000000.m.1_kgPC_BlqhFHZcB09DWO8bLqGoVRHDWzzMmr-0wKqI");
    expect(signToken({ ...fixed, singleUse: true }, SECRET)).toBe("AAAAAAAAAAAAAAAAAAAAAA.2000000000.s.O1OMeRc_DLLhegcVsGXfEbaiCJTrjrv5iJWSTf80Z1M");
    expect(verify("AAAAAAAAAAAAAAAAAAAAAA.2000000000.m.1_kgPC_BlqhFHZcB09DWO8bLqGoVRHDWzzMmr-0wKqI")).toBe(true);
  });

  it("parses the longest expiry it allows (12 digits) and the shortest (1)", () => {
    const sig = "1_kgPC_BlqhFHZcB09DWO8bLqGoVRHDWzzMmr-0wKqI";
    expect(parseToken(`${fixed.id}.999999999999.m.${sig}`)?.expires).toBe(999_999_999_999);
    expect(parseToken(`${fixed.id}.1.s.${sig}`)).toEqual({ id: fixed.id, expires: 1, singleUse: true, signature: sig });
    expect(parseToken(`${fixed.id}.1000000000000.m.${sig}`)).toBeNull();
  });

  it("new link ids are 22 URL-safe characters (16 random bytes), never repeated", () => {
    const ids = Array.from({ length: 50 }, () => newLinkId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(ids[0]!, "base64url")).toHaveLength(16);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe("link secrets", () => {
  it("come from PRIVATE_FILES_LINK_SECRET, then PRIVATE_FILES_LINK_PREVIOUS_SECRETS", () => {
    expect(linkSecrets(undefined, { PRIVATE_FILES_LINK_SECRET: SECRET, PRIVATE_FILES_LINK_PREVIOUS_SECRETS: ` ${OLD} ,, ` })).toEqual([SECRET, OLD]);
    expect(linkSecrets([SECRET], { PRIVATE_FILES_LINK_SECRET: OLD })).toEqual([SECRET]);
  });

  it("are required, and at least 32 characters each", () => {
    expect(() => linkSecrets(undefined, {})).toThrow(LinkSecretError);
    expect(() => linkSecrets(undefined, {})).toThrow(/PRIVATE_FILES_LINK_SECRET/);
    expect(() => linkSecrets(undefined, { PRIVATE_FILES_LINK_SECRET: "short" })).toThrow(/at least 32/);
    expect(() => linkSecrets(undefined, { PRIVATE_FILES_LINK_SECRET: SECRET, PRIVATE_FILES_LINK_PREVIOUS_SECRETS: "short" })).toThrow(/at least 32/);
  });
});
