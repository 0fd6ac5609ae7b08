import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl, storageRoot } from "./support/context";
import { count, deleteRow, insertSubmission, query, writeStored } from "./support/fixtures";
import { multipartBody, send } from "./support/http-send";
import { signIn, type CookieJar } from "./support/session";
import { walk } from "./support/standalone";

// Issue 12, item 4: with the victim's cookie, a page on another site could upload into
// their account and create share links to their files (no Origin check; /api/links took
// text/plain). Every state-changing endpoint now refuses another origin with 403, and
// stores nothing.

const EVIL = "http://evil.example";
const pdf = Buffer.concat([Buffer.from("%PDF-1.7\n"), Buffer.alloc(2000, 0x20)]);

let alice: CookieJar;
let fixture = 0;

const links = async () => Number((await query<{ n: number }>(`SELECT COUNT(*) AS "n" FROM "FileLinkToken"`))[0]!.n);
const storedFiles = () => {
  const dir = path.join(storageRoot(), "submissions");
  return fs.existsSync(dir) ? walk(dir).length : 0;
};

beforeAll(async () => {
  alice = await signIn("alice@example.com");
  const stored = await writeStored(`submissions/cross-site-${Date.now()}.pdf`, pdf);
  fixture = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: "cross-site.pdf", fileSize: pdf.length });
});

afterAll(async () => {
  if (fixture) await deleteRow("FileSubmission", fixture);
});

describe("POST /api/files from another origin", () => {
  it.each([
    ["Origin: http://evil.example", { Origin: EVIL }],
    ["Origin: null (a sandboxed page)", { Origin: "null" }],
    ["Sec-Fetch-Site: cross-site, no Origin", { "Sec-Fetch-Site": "cross-site" }],
    ["Sec-Fetch-Site: same-site (a sibling subdomain), no Origin", { "Sec-Fetch-Site": "same-site" }],
  ])("%s: 403, no row, no file", async (_label, headers) => {
    const { body, contentType } = await multipartBody("planted.pdf", pdf);
    const [rows, files] = [await count("FileSubmission"), storedFiles()];
    const sent = await send("POST", "/api/files", { ...headers, Cookie: alice.header, "Content-Type": contentType }, body);
    expect(sent.status, sent.body).toBe(403);
    expect(JSON.parse(sent.body).error).toMatch(/cross-site request refused/);
    expect(await count("FileSubmission")).toBe(rows);
    expect(storedFiles()).toBe(files);
  });

  it("from the app's own origin (and from curl, with no Origin) is stored", async () => {
    for (const headers of [{ Origin: baseUrl(), "Sec-Fetch-Site": "same-origin" }, {}] as Record<string, string>[]) {
      const { body, contentType } = await multipartBody("mine.pdf", pdf);
      const sent = await send("POST", "/api/files", { ...headers, Cookie: alice.header, "Content-Type": contentType }, body);
      expect(sent.status, sent.body).toBe(201);
      await deleteRow("FileSubmission", (JSON.parse(sent.body) as { id: number }).id);
    }
  });
});

describe("POST /api/links", () => {
  const json = () => JSON.stringify({ file: fixture, kind: "24h" });

  it("with a text/plain body (what a cross-site page can send without asking): 403, no link", async () => {
    const before = await links();
    const sent = await send("POST", "/api/links", { Cookie: alice.header, "Content-Type": "text/plain" }, json());
    expect(sent.status, sent.body).toBe(403);
    expect(JSON.parse(sent.body).error).toMatch(/application\/json/);
    expect(await links()).toBe(before);
  });

  it("from another origin, even as JSON: 403, no link", async () => {
    const before = await links();
    const sent = await send("POST", "/api/links", { Cookie: alice.header, "Content-Type": "application/json", Origin: EVIL }, json());
    expect(sent.status, sent.body).toBe(403);
    expect(await links()).toBe(before);
  });

  it("as JSON from the app's own origin: 201", async () => {
    const sent = await send("POST", "/api/links", { Cookie: alice.header, "Content-Type": "application/json", Origin: baseUrl() }, json());
    expect(sent.status, sent.body).toBe(201);
  });
});

describe("DELETE /api/links/<id> from another origin", () => {
  it("is refused with 403 and the link keeps working", async () => {
    const created = await send("POST", "/api/links", { Cookie: alice.header, "Content-Type": "application/json" }, JSON.stringify({ file: fixture, kind: "24h" }));
    const link = JSON.parse(created.body) as { id: string; url: string };
    const refused = await send("DELETE", `/api/links/${link.id}`, { Cookie: alice.header, Origin: EVIL });
    expect(refused.status, refused.body).toBe(403);
    const [row] = await query<{ revokedAt: unknown }>(`SELECT "revokedAt" FROM "FileLinkToken" WHERE "id" = ?`, [link.id]);
    expect(row?.revokedAt ?? null).toBeNull();
    expect((await send("DELETE", `/api/links/${link.id}`, { Cookie: alice.header, Origin: baseUrl() })).status).toBe(204);
  });
});
