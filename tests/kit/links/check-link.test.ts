import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { checkLink, LINK_USED, type ResolvedLinks } from "../../../lib/private-files/src/links/check-link";
import { newLinkId, signToken } from "../../../lib/private-files/src/links/token";
import type { FieldLinkOptions, LinkRecord, LinkStore } from "next-private-files";

// checkLink on its own: every verdict, with a store over a Map (the real stores are
// tested against SQLite and PostgreSQL in the integration suite; route-links.test.ts
// runs the same rules through the route).

const SECRET = "c".repeat(32);
const NOW = new Date("2030-01-01T00:00:00.000Z");
const EXPIRES = NOW.getTime() / 1000 + 3600;
const file = { model: "Doc", field: "file", recordId: "7", storedPath: "docs/a.pdf" };
const BOTH: FieldLinkOptions = { signed: true, singleUse: true };

function token(options: { singleUse?: boolean; expires?: number; id?: string; secret?: string } = {}): { token: string; id: string } {
  const id = options.id ?? newLinkId();
  return { id, token: signToken({ ...file, id, expires: options.expires ?? EXPIRES, singleUse: options.singleUse ?? false }, options.secret ?? SECRET) };
}

function record(id: string, fields: Partial<LinkRecord> = {}): LinkRecord {
  return { id, ...file, singleUse: false, expiresAt: new Date(EXPIRES * 1000), createdAt: NOW, createdBy: null, usedAt: null, usedBy: null, revokedAt: null, ...fields };
}

/** A store that only answers find(); the route, not checkLink, consumes. */
function storeOf(...records: LinkRecord[]): LinkStore {
  const rows = new Map(records.map((r) => [r.id, r]));
  const unused = () => Promise.reject(new Error("checkLink must only read the store"));
  return { find: async (id) => rows.get(id) ?? null, create: unused, consume: unused, release: unused, revoke: unused, prune: unused };
}

const links = (store?: LinkStore, resumeWindowSeconds = 600): ResolvedLinks => ({ secrets: () => [SECRET], store, resumeWindowSeconds });
const get = (headers: Record<string, string> = {}) => new Request("http://localhost/files/Doc/file/7/a.pdf", { headers });
/** The resume cookie the answer that spent link `id` gave its client (see resume-cookie.ts). */
const PROOF = "p".repeat(43);
const client = (id: string, proof = PROOF) => ({ "user-agent": "curl/8.5.0", cookie: `other=1; pf-resume-${id}=${proof}` });

/** The record of a single-use link the route has spent at `usedAt`: usedBy is the SHA-256 of its resume cookie. */
const spent = (id: string, usedAt: Date) =>
  record(id, { singleUse: true, usedAt, usedBy: createHash("sha256").update(PROOF).digest("base64url") });

describe("checkLink: what the field accepts", () => {
  it("refuses any link for a field that takes none", async () => {
    const { token: t } = token();
    for (const accepted of [undefined, {}, { signed: false, singleUse: false }]) {
      expect(await checkLink(t, file, accepted, links(), get(), NOW)).toEqual({
        granted: false,
        reason: "link-not-accepted",
        status: 403,
        message: "this file cannot be shared by link",
      });
    }
  });

  it("refuses the kind of link the field does not take, after checking the signature", async () => {
    const signed = token().token;
    const single = token({ singleUse: true }).token;
    const wrongKind = { granted: false, reason: "link-not-accepted", status: 403, message: "this file cannot be shared by this kind of link" };
    expect(await checkLink(signed, file, { singleUse: true }, links(storeOf()), get(), NOW)).toEqual(wrongKind);
    expect(await checkLink(single, file, { signed: true }, links(storeOf()), get(), NOW)).toEqual(wrongKind);
  });

  it("grants each kind to a field that takes only that kind", async () => {
    const signed = token();
    const single = token({ singleUse: true });
    const store = storeOf(record(signed.id), record(single.id, { singleUse: true }));
    expect(await checkLink(signed.token, file, { signed: true }, links(store), get(), NOW)).toMatchObject({ granted: true, consume: false });
    expect(await checkLink(single.token, file, { singleUse: true }, links(store), get(), NOW)).toMatchObject({ granted: true, consume: true });
  });
});

describe("checkLink: the token", () => {
  it("refuses what is not a token as malformed, and a wrong signature as invalid", async () => {
    expect(await checkLink("not-a-token", file, BOTH, links(), get(), NOW)).toEqual({ granted: false, reason: "link-malformed", status: 403, message: "malformed link" });
    const invalid = { granted: false, reason: "link-invalid", status: 403, message: "invalid link" };
    expect(await checkLink(token({ secret: "x".repeat(32) }).token, file, BOTH, links(), get(), NOW)).toEqual(invalid);
    expect(await checkLink(token().token, { ...file, recordId: "8" }, BOTH, links(), get(), NOW)).toEqual(invalid);
  });

  it("expires at its expiry second: granted a millisecond before, refused at it", async () => {
    const { token: t } = token({ expires: EXPIRES });
    const at = new Date(EXPIRES * 1000);
    expect(await checkLink(t, file, BOTH, links(), get(), new Date(at.getTime() - 1))).toMatchObject({ granted: true });
    const expired = { granted: false, reason: "link-expired", status: 403, message: "link expired" };
    expect(await checkLink(t, file, BOTH, links(), get(), at)).toEqual(expired);
    expect(await checkLink(t, file, BOTH, links(), get(), new Date(at.getTime() + 1))).toEqual(expired);
  });
});

describe("checkLink: without a store", () => {
  it("grants a valid signed link statelessly: nothing to consume, nothing resumed", async () => {
    const { token: t, id } = token();
    expect(await checkLink(t, file, BOTH, links(undefined), get(), NOW)).toEqual({
      granted: true,
      use: { id, singleUse: false, expiresAt: new Date(EXPIRES * 1000), resumed: false, createdBy: null },
      consume: false,
    });
  });
});

describe("checkLink: with a store", () => {
  it("refuses a link the store does not know, and a revoked one", async () => {
    const known = token();
    const revoked = token();
    const store = storeOf(record(known.id), record(revoked.id, { revokedAt: NOW }));
    expect(await checkLink(token().token, file, BOTH, links(store), get(), NOW)).toEqual({ granted: false, reason: "link-unknown", status: 403, message: "unknown link" });
    expect(await checkLink(revoked.token, file, BOTH, links(store), get(), NOW)).toEqual({ granted: false, reason: "link-revoked", status: 403, message: "link revoked" });
    expect(await checkLink(known.token, file, BOTH, links(store), get(), NOW)).toMatchObject({ granted: true });
  });

  it("refuses a revoked single-use link, even to the client that spent it resuming with Range", async () => {
    const single = token({ singleUse: true });
    const store = storeOf(spent(single.id, NOW));
    const revokedStore = storeOf({ ...spent(single.id, NOW), revokedAt: NOW });
    expect(await checkLink(single.token, file, BOTH, links(revokedStore), get({ ...client(single.id), range: "bytes=0-" }), NOW)).toMatchObject({ reason: "link-revoked" });
    expect(await checkLink(single.token, file, BOTH, links(store), get({ ...client(single.id), range: "bytes=0-" }), NOW)).toMatchObject({ granted: true });
  });

  it("grants a signed link every time, never to be consumed, whatever its record says", async () => {
    const { token: t, id } = token();
    const store = storeOf(record(id, { usedAt: NOW, usedBy: "someone" }));
    expect(await checkLink(t, file, BOTH, links(store), get(), NOW)).toEqual({
      granted: true,
      use: { id, singleUse: false, expiresAt: new Date(EXPIRES * 1000), resumed: false, createdBy: null },
      consume: false,
    });
  });

  it("grants an unused single-use link once, asking the route to consume it", async () => {
    const { token: t, id } = token({ singleUse: true });
    expect(await checkLink(t, file, BOTH, links(storeOf(record(id, { singleUse: true }))), get(), NOW)).toEqual({
      granted: true,
      use: { id, singleUse: true, expiresAt: new Date(EXPIRES * 1000), resumed: false, createdBy: null },
      consume: true,
    });
  });

  it("refuses a used single-use link with 410 Gone", async () => {
    expect(LINK_USED).toEqual({ granted: false, reason: "link-used", status: 410, message: "link already used" });
    const { token: t, id } = token({ singleUse: true });
    const store = storeOf(spent(id, new Date(NOW.getTime() - 1000)));
    expect(await checkLink(t, file, BOTH, links(store), get(client(id)), NOW)).toEqual(LINK_USED);
  });
});

describe("checkLink: resuming a used single-use link", () => {
  // Made in each test, not here: code run while tests are collected counts, for
  // Stryker, as "static" and makes every mutant it reaches rerun every test file.
  const usedAt = new Date(NOW.getTime() - 10_000);
  const spentLink = () => {
    const single = token({ singleUse: true });
    return { single, store: storeOf(spent(single.id, usedAt)) };
  };

  it("grants the client that spent it a Range request within the window, resumed and not consumed again", async () => {
    const { single, store } = spentLink();
    expect(await checkLink(single.token, file, BOTH, links(store), get({ ...client(single.id), range: "bytes=100-" }), NOW)).toEqual({
      granted: true,
      use: { id: single.id, singleUse: true, expiresAt: new Date(EXPIRES * 1000), resumed: true, createdBy: null },
      consume: false,
    });
  });

  it("refuses that client without a Range header", async () => {
    const { single, store } = spentLink();
    expect(await checkLink(single.token, file, BOTH, links(store), get(client(single.id)), NOW)).toEqual(LINK_USED);
  });

  it("refuses a client without the resume cookie, with another cookie value, or another link's cookie, even with a Range header", async () => {
    const { single, store } = spentLink();
    const others: Record<string, string>[] = [
      { "user-agent": "curl/8.5.0", range: "bytes=100-" },
      { ...client(single.id, "q".repeat(43)), range: "bytes=100-" },
      { ...client(single.id, PROOF.slice(1)), range: "bytes=100-" },
      { ...client(newLinkId()), range: "bytes=100-" },
      { cookie: `pf-resume-${single.id}`, range: "bytes=100-" },
    ];
    for (const headers of others) expect(await checkLink(single.token, file, BOTH, links(store), get(headers), NOW)).toEqual(LINK_USED);
  });

  it("reads the cookie among others, spaces around its value trimmed; a usedBy of another shape is no match, never an error", async () => {
    const { single, store } = spentLink();
    const padded = { cookie: `a=b;pf-resume-${single.id}= ${PROOF} ; c`, range: "bytes=100-" };
    expect(await checkLink(single.token, file, BOTH, links(store), get(padded), NOW)).toMatchObject({ granted: true, use: { resumed: true } });
    const legacy = storeOf({ ...spent(single.id, usedAt), usedBy: "x" });
    expect(await checkLink(single.token, file, BOTH, links(legacy), get({ ...client(single.id), range: "bytes=100-" }), NOW)).toEqual(LINK_USED);
  });

  it("refuses the cookie when the record holds no digest", async () => {
    const single = token({ singleUse: true });
    const store = storeOf({ ...spent(single.id, usedAt), usedBy: null });
    expect(await checkLink(single.token, file, BOTH, links(store), get({ ...client(single.id), range: "bytes=100-" }), NOW)).toEqual(LINK_USED);
  });

  it("ends with the window: granted at exactly resumeWindowSeconds after use, refused a millisecond later", async () => {
    const { single, store } = spentLink();
    const resume = get({ ...client(single.id), range: "bytes=100-" });
    const window = 30;
    const end = new Date(usedAt.getTime() + window * 1000);
    expect(await checkLink(single.token, file, BOTH, links(store, window), resume, end)).toMatchObject({ granted: true, use: { resumed: true } });
    expect(await checkLink(single.token, file, BOTH, links(store, window), resume, new Date(end.getTime() + 1))).toEqual(LINK_USED);
    expect(await checkLink(single.token, file, BOTH, links(store, 0), resume, new Date(usedAt.getTime() + 1))).toEqual(LINK_USED);
  });
});

describe("checkLink: failures", () => {
  it("throws when the store fails (the route answers 503), never granting", async () => {
    const down: LinkStore = { ...storeOf(), find: () => Promise.reject(new Error("store down")) };
    await expect(checkLink(token().token, file, BOTH, links(down), get(), NOW)).rejects.toThrow("store down");
  });
});
