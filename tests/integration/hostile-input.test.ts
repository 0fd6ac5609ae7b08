import { execFileSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseKind, storageRoot } from "./support/context";
import { deleteRow, firstStoredPath, insertSubmission, randomData, userId, writeStored } from "./support/fixtures";
import { rawRequest, type RawResponse } from "./support/raw-http";
import { signIn } from "./support/session";

// Hostile input through `next start`, one row per input, every request written
// byte for byte (support/raw-http.ts) so no client normalises it first.
//
// The target is a real file alice may download: its URL answers 200, so each
// mutation's 404 means "refused", not "there was nothing there". Every row also
// checks that no file's bytes came back (alice's, bob's, /etc/passwd, the server's
// environment). Rows marked "Next.js" or "Node.js" are answered before the route
// runs; their exact answer is pinned so a change upstream shows up here.
//
// Not repeated here (tests/integration/http-contract.test.ts has them): the unknown
// model, `__proto__` as model, `User` as model, unknown field, `-1` and `1e3` ids,
// no such record, too few/too many segments, `bytes=`/`bytes=abc`/`items=0-10`
// ranges, 1,000 disjoint ranges, the stored path `../../../../etc/passwd` and a
// symlink to /etc/passwd.

const SECRET = "integration-test-secret"; // NEXTAUTH_SECRET of the test server (support/server.ts)
const SIZE = 4096;
const NAME = "hostile-report.pdf";
const SESSION_COOKIE = "next-auth.session-token";
const HOSTILE_DIR = "submissions/hostile"; // every file this test creates, removed afterwards

let aliceCookie: string;
let aliceToken: string;
let aliceUserId: number;
let data: Uint8Array; // alice's file: the one every URL row aims at
let bobData: Uint8Array; // bob's file, with the same name: must never come back
let f: Fixture;
const rows: number[] = [];

interface Fixture {
  /** alice's record. */
  id: number;
  bobId: number;
  /** `/files/FileSubmission/file/<id>` */
  base: string;
  /** The valid URL: 200 for alice. */
  url: string;
  /** Its stored path, and the random name it has in storage. */
  stored: string;
  storedName: string;
  nfcId: number;
  nfdId: number;
}

const NFC_NAME = "Ångström-café.txt".normalize("NFC");
const NFD_NAME = "Ångström-café-decomposed.txt".normalize("NFD");
const NFC_BYTES = new TextEncoder().encode("stored under a composed (NFC) name\n");
const NFD_BYTES = new TextEncoder().encode("stored under a decomposed (NFD) name\n");

beforeAll(async () => {
  const alice = await signIn("alice@example.com");
  aliceToken = alice.value(SESSION_COOKIE)!;
  aliceCookie = `${SESSION_COOKIE}=${aliceToken}`;
  aliceUserId = await userId("alice@example.com");

  data = randomData(SIZE);
  bobData = randomData(SIZE);
  const storedName = `${randomUUID()}.pdf`;
  const stored = await writeStored(`${HOSTILE_DIR}/${storedName}`, data);
  const id = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: NAME, fileSize: SIZE });
  const bobStored = await writeStored(`${HOSTILE_DIR}/${randomUUID()}.pdf`, bobData);
  const bobId = await insertSubmission({ owner: "bob@example.com", file: bobStored, fileName: NAME, fileSize: SIZE });
  const nfcId = await insertSubmission({
    owner: "alice@example.com",
    file: await writeStored(`${HOSTILE_DIR}/${randomUUID()}.txt`, NFC_BYTES),
    fileName: NFC_NAME,
    fileSize: NFC_BYTES.length,
  });
  const nfdId = await insertSubmission({
    owner: "alice@example.com",
    file: await writeStored(`${HOSTILE_DIR}/${randomUUID()}.txt`, NFD_BYTES),
    fileName: NFD_NAME,
    fileSize: NFD_BYTES.length,
  });
  rows.push(id, bobId, nfcId, nfdId);
  const base = `/files/FileSubmission/file/${id}`;
  f = { id, bobId, base, url: `${base}/${NAME}`, stored, storedName, nfcId, nfdId };
});

afterAll(async () => {
  for (const id of rows) await deleteRow("FileSubmission", id);
  // rm removes symlinks and FIFOs themselves, never what a link points at.
  await fs.rm(path.join(storageRoot(), HOSTILE_DIR), { recursive: true, force: true });
});

// --- what every answer must (not) carry ---------------------------------------

/** 32-byte samples across a file: any of them in a body means the file leaked. */
function samples(bytes: Uint8Array): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset + 32 <= bytes.length; offset += 256) out.push(Buffer.from(bytes.subarray(offset, offset + 32)));
  return out;
}

function expectNoFileBytes(response: RawResponse): void {
  for (const sample of [...samples(data), ...samples(bobData)]) expect(response.body.includes(sample)).toBe(false);
  const text = response.body.toString("latin1");
  expect(text).not.toContain("root:x:0:0"); // /etc/passwd
  expect(text).not.toContain(SECRET); // /proc/self/environ of the server
  expect(response.headers["content-range"]).toBeUndefined();
  expect(response.headers["content-disposition"]).toBeUndefined();
}

/** The kit's own 404: short, generic, never a file. */
function expectKitNotFound(response: RawResponse): void {
  expect(response.status).toBe(404);
  expect(response.body.toString()).toBe("Not Found\n");
  expect(response.headers["content-type"]).toBe("text/plain; charset=utf-8");
  expectNoFileBytes(response);
}

const asAlice = (target: string, headers?: Record<string, string>, method?: string) =>
  rawRequest({ target, headers, method, cookie: aliceCookie });

async function expectStillServing(): Promise<void> {
  const response = await asAlice(f.url);
  expect(response.status).toBe(200);
  expect(response.body.equals(Buffer.from(data))).toBe(true);
}

// --- 1. URLs --------------------------------------------------------------------

type AnsweredBy = "kit" | "Next.js" | "Node.js";

interface UrlCase {
  input: string;
  target: (fx: Fixture) => string;
  status: number;
  by: AnsweredBy;
  method?: string;
  /** Exact Location of a redirect. */
  location?: (fx: Fixture) => string;
  /** The bytes of a 200; alice's file when unset. */
  bytes?: () => Uint8Array;
}

const TEN_KB = "a".repeat(10 * 1024);
const DIGITS_10K = "1".repeat(10_000);
const CYRILLIC_E = encodeURIComponent("\u0435"); // "е", looks like the Latin "e"

const urlCases: Record<string, UrlCase[]> = {
  "the valid URL and spellings of it that decode to the same segments": [
    { input: "the valid URL", target: (x) => x.url, status: 200, by: "kit" },
    { input: "an unreserved letter percent-encoded (%68ostile…)", target: (x) => `${x.base}/%68${NAME.slice(1)}`, status: 200, by: "kit" },
    { input: "the id's digits percent-encoded (%3x)", target: (x) => `/files/FileSubmission/file/${[...String(x.id)].map((c) => `%3${c}`).join("")}/${NAME}`, status: 200, by: "kit" },
    { input: "a query string (?download=1)", target: (x) => `${x.url}?download=1`, status: 200, by: "kit" },
  ],
  "dot segments: resolved by URL parsing before routing (RFC 3986 §5.2.4, WHATWG URL)": [
    { input: "<id>/../<id>/<name>: back to the same file", target: (x) => `${x.base}/../${x.id}/${NAME}`, status: 200, by: "kit" },
    { input: "<bob's id>/../<alice's id>/<name>: alice's own file, never bob's", target: (x) => `/files/FileSubmission/file/${x.bobId}/../${x.id}/${NAME}`, status: 200, by: "kit" },
    { input: "%2e%2e as a whole segment is `..`", target: (x) => `${x.base}/%2e%2e/${x.id}/${NAME}`, status: 200, by: "kit" },
    { input: "../<name>: one segment short", target: (x) => `${x.base}/../${NAME}`, status: 404, by: "kit" },
    { input: "%2E%2E/<name> (upper case)", target: (x) => `${x.base}/%2E%2E/${NAME}`, status: 404, by: "kit" },
    { input: ".%2e/<name> (mixed)", target: (x) => `${x.base}/.%2e/${NAME}`, status: 404, by: "kit" },
    { input: "../../../../etc/passwd: leaves /files, Next's 404 page", target: (x) => `${x.base}/../../../../etc/passwd`, status: 404, by: "Next.js" },
    { input: "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd", target: (x) => `${x.base}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd`, status: 404, by: "Next.js" },
    { input: "<name>/..: redirected to the id, without a trailing slash", target: (x) => `${x.url}/..`, status: 308, by: "Next.js", location: (x) => x.base },
  ],
  "traversal hidden from URL parsing: reaches the route as text": [
    { input: "%2e%2e%2f<name>", target: (x) => `${x.base}/%2e%2e%2f${NAME}`, status: 404, by: "kit" },
    { input: "..%2f<name>", target: (x) => `${x.base}/..%2f${NAME}`, status: 404, by: "kit" },
    { input: "%2e%2e%2f x3 then etc%2fpasswd", target: (x) => `${x.base}/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd`, status: 404, by: "kit" },
    { input: "double-encoded %252e%252e%252f<name> (decoded once)", target: (x) => `${x.base}/%252e%252e%252f${NAME}`, status: 404, by: "kit" },
    { input: "double-encoded id %2531", target: () => `/files/FileSubmission/file/%2531/${NAME}`, status: 404, by: "kit" },
    { input: "..%5c..%5c<name> (encoded backslashes)", target: (x) => `${x.base}/..%5c..%5c${NAME}`, status: 404, by: "kit" },
  ],
  "encoded slashes and backslashes": [
    { input: "<id>%2F<name>: two segments in one", target: (x) => `${x.base}%2F${NAME}`, status: 404, by: "kit" },
    { input: "FileSubmission%2Ffile", target: (x) => `/files/FileSubmission%2Ffile/${x.id}/${NAME}`, status: 404, by: "kit" },
    { input: "<name>%2F (encoded trailing slash)", target: (x) => `${x.url}%2F`, status: 404, by: "kit" },
    { input: "%2F<name>", target: (x) => `${x.base}/%2F${NAME}`, status: 404, by: "kit" },
    { input: "<name>%5C", target: (x) => `${x.url}%5C`, status: 404, by: "kit" },
    { input: "%5C<name>", target: (x) => `${x.base}/%5C${NAME}`, status: 404, by: "kit" },
    { input: "a raw backslash before the name: redirected to the / form", target: (x) => `${x.base}\\${NAME}`, status: 308, by: "Next.js", location: (x) => x.url },
    { input: "raw backslashes for every separator", target: (x) => `/files\\FileSubmission\\file\\${x.id}\\${NAME}`, status: 308, by: "Next.js", location: (x) => x.url },
  ],
  "control characters (percent-encoded)": [
    { input: "%00 as the name", target: (x) => `${x.base}/%00`, status: 404, by: "kit" },
    { input: "<name>%00", target: (x) => `${x.url}%00`, status: 404, by: "kit" },
    { input: "<name>%00.pdf", target: (x) => `${x.url}%00.pdf`, status: 404, by: "kit" },
    { input: "<id>%00", target: (x) => `${x.base}%00/${NAME}`, status: 404, by: "kit" },
    { input: "FileSubmission%00", target: (x) => `/files/FileSubmission%00/file/${x.id}/${NAME}`, status: 404, by: "kit" },
    { input: "%0d%0a as the name", target: (x) => `${x.base}/%0d%0a`, status: 404, by: "kit" },
    { input: "<name>%0D%0ASet-Cookie:%20a=b (header injection)", target: (x) => `${x.url}%0D%0ASet-Cookie:%20a=b`, status: 404, by: "kit" },
    { input: "%1b[31m (escape sequence)", target: (x) => `${x.base}/%1b[31m${NAME}`, status: 404, by: "kit" },
    { input: "<name>%7F (DEL)", target: (x) => `${x.url}%7F`, status: 404, by: "kit" },
  ],
  "malformed escapes: answered by proxy.ts, since Next.js would fail decoding the catch-all parameter with a 500 (vercel/next.js#92527)": [
    { input: "<name>% (a lone %)", target: (x) => `${x.url}%`, status: 404, by: "kit" },
    { input: "<name>%zz", target: (x) => `${x.url}%zz`, status: 404, by: "kit" },
    { input: "%C0%AE%C0%AE%2f<name> (overlong UTF-8 dots)", target: (x) => `${x.base}/%C0%AE%C0%AE%2f${NAME}`, status: 404, by: "kit" },
    { input: "<name>%E2%82 (truncated UTF-8)", target: (x) => `${x.url}%E2%82`, status: 404, by: "kit" },
    { input: "<name>%ED%A0%80 (a UTF-16 surrogate)", target: (x) => `${x.url}%ED%A0%80`, status: 404, by: "kit" },
  ],
  "overlong input": [
    { input: "a 10 kB name segment", target: (x) => `${x.base}/${TEN_KB}`, status: 404, by: "kit" },
    { input: "a 10 kB model segment", target: (x) => `/files/${TEN_KB}/file/${x.id}/${NAME}`, status: 404, by: "kit" },
    { input: "3,000 percent-encoded characters (9 kB raw) as the name", target: (x) => `${x.base}/${"%41".repeat(3000)}`, status: 404, by: "kit" },
    { input: "a 20 kB request line: over Node's 16 KiB header limit", target: (x) => `${x.base}/${"a".repeat(20_000)}`, status: 431, by: "Node.js" },
  ],
  "segment count and empty segments": [
    { input: "/files", target: () => "/files", status: 404, by: "Next.js" },
    { input: "/files/: redirected to /files", target: () => "/files/", status: 308, by: "Next.js", location: () => "/files" },
    { input: "/files/FileSubmission (one segment)", target: () => "/files/FileSubmission", status: 404, by: "kit" },
    { input: "<url>/<name> (five segments)", target: (x) => `${x.url}/${NAME}`, status: 404, by: "kit" },
    { input: "an empty field segment (//): collapsed by a redirect", target: (x) => `/files/FileSubmission//${x.id}/${NAME}`, status: 308, by: "Next.js", location: (x) => `/files/FileSubmission/${x.id}/${NAME}` },
    { input: "an empty first segment (/files//…): collapsed by a redirect", target: (x) => `/files//FileSubmission/file/${x.id}/${NAME}`, status: 308, by: "Next.js", location: (x) => x.url },
  ],
  "unicode look-alikes and normalisation forms (names compare code point by code point)": [
    { input: "Cyrillic е in the model key (FilеSubmission)", target: (x) => `/files/Fil${CYRILLIC_E}Submission/file/${x.id}/${NAME}`, status: 404, by: "kit" },
    { input: "Cyrillic е in the field (fil\u0435)", target: (x) => `/files/FileSubmission/fil${CYRILLIC_E}/${x.id}/${NAME}`, status: 404, by: "kit" },
    { input: "Cyrillic е in the name (hostil\u0435-report.pdf)", target: (x) => `${x.base}/hostil${CYRILLIC_E}-report.pdf`, status: 404, by: "kit" },
    { input: "a fullwidth full stop in the name (hostile-report．pdf)", target: (x) => `${x.base}/hostile-report${encodeURIComponent("\uff0e")}pdf`, status: 404, by: "kit" },
    { input: "Arabic-Indic digits as the id", target: (x) => `/files/FileSubmission/file/${encodeURIComponent([...String(x.id)].map((d) => String.fromCharCode(0x660 + Number(d))).join(""))}/${NAME}`, status: 404, by: "kit" },
    { input: "the NFC name requested in NFC", target: (x) => `/files/FileSubmission/file/${x.nfcId}/${encodeURIComponent(NFC_NAME)}`, status: 200, by: "kit", bytes: () => NFC_BYTES },
    { input: "the NFC name requested in NFD", target: (x) => `/files/FileSubmission/file/${x.nfcId}/${encodeURIComponent(NFC_NAME.normalize("NFD"))}`, status: 404, by: "kit" },
    { input: "the NFD name requested in NFD", target: (x) => `/files/FileSubmission/file/${x.nfdId}/${encodeURIComponent(NFD_NAME)}`, status: 200, by: "kit", bytes: () => NFD_BYTES },
    { input: "the NFD name requested in NFC", target: (x) => `/files/FileSubmission/file/${x.nfdId}/${encodeURIComponent(NFD_NAME.normalize("NFC"))}`, status: 404, by: "kit" },
    { input: "raw UTF-8 bytes (not percent-encoded) in the request line", target: (x) => `${x.base}/hostil\u0435-report.pdf`, status: 400, by: "Node.js" },
  ],
  "Object.prototype names as model or field": [
    ...["constructor", "toString", "hasOwnProperty", "prototype", "valueOf"].map((name): UrlCase => ({
      input: `model ${name}`,
      target: (x) => `/files/${name}/file/${x.id}/${NAME}`,
      status: 404,
      by: "kit",
    })),
    ...["__proto__", "constructor", "toString", "hasOwnProperty", "prototype", "valueOf"].map((name): UrlCase => ({
      input: `field ${name}`,
      target: (x) => `/files/FileSubmission/${name}/${x.id}/${NAME}`,
      status: 404,
      by: "kit",
    })),
  ],
  "real Prisma models and columns that are not declared private": [
    { input: "User/email/<alice's user id>/alice@example.com", target: () => `/files/User/email/${aliceUserId}/alice@example.com`, status: 404, by: "kit" },
    { input: "user/passwordHash/<alice's user id>/x", target: () => `/files/user/passwordHash/${aliceUserId}/x`, status: 404, by: "kit" },
    { input: "fileSubmission (a declared key in another case)", target: (x) => `/files/fileSubmission/file/${x.id}/${NAME}`, status: 404, by: "kit" },
    { input: "FileSubmission/fileName (a column, not a declared field)", target: (x) => `/files/FileSubmission/fileName/${x.id}/${NAME}`, status: 404, by: "kit" },
    { input: "FileSubmission/ownerId", target: (x) => `/files/FileSubmission/ownerId/${x.id}/${NAME}`, status: 404, by: "kit" },
  ],
  "ids that are not an Int key": [
    ...(
      [
        ["' OR 1=1 --", "'%20OR%201=1%20--"],
        ["1;DROP TABLE User", "1;DROP%20TABLE%20User"],
        ["0 (well-formed, no such record)", "0"],
        ["1e9999", "1e9999"],
        ["10,000 digits", DIGITS_10K],
        ["9007199254740993 (2^53 + 1)", "9007199254740993"],
        ["Infinity", "Infinity"],
        ["NaN", "NaN"],
      ] as const
    ).map(([input, id]): UrlCase => ({ input, target: () => `/files/FileSubmission/file/${id}/${NAME}`, status: 404, by: "kit" })),
    ...(
      [
        ["-<id>", (id: number) => `-${id}`],
        ["<id>.0", (id: number) => `${id}.0`],
        ["0x<id in hex>", (id: number) => `0x${id.toString(16)}`],
        ["+<id>", (id: number) => `+${id}`],
        ["0<id> (leading zero)", (id: number) => `0${id}`],
        ["<id>e0", (id: number) => `${id}e0`],
        ["%20<id> (encoded leading space)", (id: number) => `%20${id}`],
        ["<id>%20 (encoded trailing space)", (id: number) => `${id}%20`],
      ] as const
    ).map(([input, spell]): UrlCase => ({ input, target: (x) => `/files/FileSubmission/file/${spell(x.id)}/${NAME}`, status: 404, by: "kit" })),
    { input: "' <id>' (a raw space breaks the request line)", target: (x) => `/files/FileSubmission/file/ ${x.id}/${NAME}`, status: 400, by: "Node.js" },
  ],
  "a name segment that is not the file's name": [
    { input: "the stored random name", target: (x) => `${x.base}/${x.storedName}`, status: 404, by: "kit" },
    { input: "another case (HOSTILE-REPORT.PDF)", target: (x) => `${x.base}/${NAME.toUpperCase()}`, status: 404, by: "kit" },
    { input: "another case (Hostile-report.pdf)", target: (x) => `${x.base}/H${NAME.slice(1)}`, status: 404, by: "kit" },
    { input: "a trailing dot", target: (x) => `${x.url}.`, status: 404, by: "kit" },
    { input: "a trailing encoded space", target: (x) => `${x.url}%20`, status: 404, by: "kit" },
    { input: "a path parameter (;x=1)", target: (x) => `${x.url};x=1`, status: 404, by: "kit" },
    { input: "an encoded # (%23)", target: (x) => `${x.url}%23`, status: 404, by: "kit" },
    { input: "a trailing / : redirected to the URL without it", target: (x) => `${x.url}/`, status: 308, by: "Next.js", location: (x) => x.url },
  ],
  "methods and request-target forms": [
    { input: "OPTIONS", method: "OPTIONS", target: (x) => x.url, status: 405, by: "kit" },
    { input: "POST to a mutated URL (still 405, before any lookup)", method: "POST", target: (x) => `${x.base}/%2e%2e%2f${NAME}`, status: 405, by: "kit" },
    { input: "PROPFIND (not a method Next routes)", method: "PROPFIND", target: (x) => x.url, status: 400, by: "Next.js" },
    { input: "TRACE (refused by Next's Request, route never runs)", method: "TRACE", target: (x) => x.url, status: 500, by: "Next.js" },
    { input: "lower-case get", method: "get", target: (x) => x.url, status: 400, by: "Node.js" },
    { input: "CONNECT", method: "CONNECT", target: (x) => x.url, status: 0, by: "Node.js" },
    { input: "asterisk-form (GET *)", target: () => "*", status: 500, by: "Next.js" },
    { input: "absolute-form with a foreign host: redirected to that host's same path", target: (x) => `http://evil.example${x.url}`, status: 308, by: "Next.js", location: (x) => `http://evil.example${x.url}` },
  ],
};

/** Test names in full (vitest's `$field` shortens long strings): "input → answer (who answers)". */
function named<T extends { input: string }>(cases: T[], answer: (row: T) => string): [string, T][] {
  return cases.map((row) => [`${row.input} → ${answer(row)}`, row]);
}

const urlAnswer = (row: UrlCase) =>
  `${row.status === 0 ? "connection closed, no answer" : row.status}${row.by === "kit" ? "" : ` (${row.by}, before the route)`}`;

describe.each(Object.entries(urlCases))("URLs: %s", (_group, cases) => {
  it.each(named(cases, urlAnswer))("%s", async (_name, row) => {
    const response = await asAlice(row.target(f), undefined, row.method);
    expect(response.status).toBe(row.status);
    if (row.status === 200) {
      expect(response.body.equals(Buffer.from(row.bytes?.() ?? data))).toBe(true);
      return;
    }
    if (row.by === "kit" && row.status === 404) expectKitNotFound(response);
    expectNoFileBytes(response);
    if (row.location) expect(response.headers.location).toBe(row.location(f));
    if (row.status === 405) expect(response.headers.allow).toBe("GET, HEAD");
    if (row.by === "Next.js" && row.status === 500) expect(response.body.toString()).toBe("Internal Server Error");
    if (row.by === "Next.js" && row.status === 404) expect(response.headers["content-type"]).toMatch(/^text\/html/);
  });
});

describe("URLs: afterwards", () => {
  it("the server still serves the file", expectStillServing);
});

// --- 2. stored paths pointing outside the storage root --------------------------

/** The stored path of the seeded record of another model. */
const seededPath = firstStoredPath;

describe("stored paths in the database", () => {
  const hostile = (...parts: string[]) => path.join(storageRoot(), HOSTILE_DIR, ...parts);
  const storedIds = new Map<string, number>();
  let fifoId: number;
  let insideLinkId: number;

  interface StoredCase {
    input: string;
    /** Creates what the row needs on disk; returns the stored path to put in the record. */
    stored: () => Promise<string> | string;
  }

  const link = async (target: string, name: string) => {
    await fs.symlink(target, hostile(name));
    return `${HOSTILE_DIR}/${name}`;
  };

  const allStoredCases: StoredCase[] = [
    { input: "an absolute path: /etc/passwd", stored: () => "/etc/passwd" },
    { input: "an absolute path: /proc/self/environ (the server's secrets)", stored: () => "/proc/self/environ" },
    { input: "`..` after a real folder: submissions/../../x", stored: () => "submissions/../../x" },
    { input: "`..` from a real folder up to /etc/passwd", stored: () => "submissions/../../../../../../../../etc/passwd" },
    { input: "a `.` segment in front of alice's real file", stored: () => `./${f.stored}` },
    { input: "an empty segment inside alice's real file's path", stored: () => f.stored.replace("/", "//") },
    { input: "backslashes: ..\\..\\..\\etc\\passwd", stored: () => "..\\..\\..\\etc\\passwd" },
    { input: "a NUL byte after alice's real file's path", stored: () => `${f.stored}\0../../etc/passwd` },
    { input: "a Windows drive path: C:/Windows/win.ini", stored: () => "C:/Windows/win.ini" },
    { input: "percent escapes, never decoded: %2e%2e/%2e%2e/etc/passwd", stored: () => "%2e%2e/%2e%2e/etc/passwd" },
    { input: "a symlink in the root to /etc/passwd by a relative target", stored: () => link("../../../../../../../../../../etc/passwd", "relative-out.txt") },
    { input: "a symlink in the root to /proc/self/environ", stored: () => link("/proc/self/environ", "environ.txt") },
    { input: "a path through a symlink to a directory outside (/etc)", stored: async () => `${await link("/etc", "etc-dir")}/passwd` },
    {
      input: "a path through a symlink to the storage root's parent (the test database)",
      stored: async () => `${await link(path.dirname(storageRoot()), "up")}/test.db`,
    },
    {
      input: "a chain of symlinks inside the root whose last link points out",
      stored: async () => {
        await link("/etc/passwd", "chain-2.txt");
        return link(hostile("chain-2.txt"), "chain-1.txt");
      },
    },
    { input: "a dangling symlink", stored: () => link(hostile("nothing-here.txt"), "dangling.txt") },
    { input: "a directory (submissions)", stored: () => "submissions" },
    // Real files of other models: servable through their own model, never through this field.
    { input: "another model's real file (CountedDownload's downloadables/…)", stored: () => seededPath("CountedDownload", "file") },
    { input: "another model's real file (SharedImage's images/…)", stored: () => seededPath("SharedImage", "image") },
    { input: "another model's file by a path that stays in the root (submissions/../downloadables/…)", stored: async () => `submissions/../${await seededPath("CountedDownload", "file")}` },
  ];
  // PostgreSQL text cannot hold a NUL byte: such a stored path cannot exist there
  // (the test below shows the database refusing it).
  const storedCases = databaseKind() === "postgres" ? allStoredCases.filter((row) => !row.input.includes("NUL")) : allStoredCases;

  beforeAll(async () => {
    for (const row of storedCases) {
      const stored = await row.stored();
      const id = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: "hostile.bin", fileSize: 1 });
      storedIds.set(row.input, id);
      rows.push(id);
    }
    execFileSync("mkfifo", [hostile("pipe.bin")]);
    fifoId = await insertSubmission({ owner: "alice@example.com", file: `${HOSTILE_DIR}/pipe.bin`, fileName: "hostile.bin", fileSize: 1 });
    const inside = await link(hostile(f.storedName), "inside-link.pdf");
    insideLinkId = await insertSubmission({ owner: "alice@example.com", file: inside, fileName: "hostile.bin", fileSize: SIZE });
    rows.push(fifoId, insideLinkId);
  });

  it("control: a symlink inside the root to alice's file inside the root is served (200)", async () => {
    const response = await asAlice(`/files/FileSubmission/file/${insideLinkId}/hostile.bin`);
    expect(response.status).toBe(200);
    expect(response.body.equals(Buffer.from(data))).toBe(true);
  });

  if (databaseKind() === "postgres") {
    it("PostgreSQL: a NUL byte in a stored path is refused by the database itself", async () => {
      await expect(insertSubmission({ owner: "alice@example.com", file: `${f.stored}\0../../etc/passwd`, fileName: "hostile.bin", fileSize: 1 })).rejects.toThrow(
        /invalid byte sequence/,
      );
    });
  }

  it.each(named(storedCases, () => "404"))("%s", async (_name, row) => {
    const response = await asAlice(`/files/FileSubmission/file/${storedIds.get(row.input)}/hostile.bin`);
    expectKitNotFound(response);
  });

  it("a FIFO → 404 within 3 s (never waits for a writer)", async () => {
    const response = await rawRequest({ target: `/files/FileSubmission/file/${fifoId}/hostile.bin`, cookie: aliceCookie, timeoutMs: 3000 });
    expectKitNotFound(response);
    expect(response.elapsedMs).toBeLessThan(3000);
  });

  it("six FIFO requests at once (more than libuv's 4 threads) → all 404 within 3 s, then a normal download works", async () => {
    const started = Date.now();
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => rawRequest({ target: `/files/FileSubmission/file/${fifoId}/hostile.bin`, cookie: aliceCookie, timeoutMs: 3000 })),
    );
    for (const response of answers) expectKitNotFound(response);
    expect(Date.now() - started).toBeLessThan(3000);
    await expectStillServing();
  });

  it("afterwards the server still serves the file", expectStillServing);
});

// --- 3. request headers on an allowed file --------------------------------------

type Expected = { status: 200 } | { status: 206; start: number; end: number } | { status: 304 } | { status: 416 } | { status: 431 };

interface HeaderCase {
  input: string;
  headers: (v: { etag: string; lastModified: string }) => Record<string, string>;
  expected: Expected;
}

const list = (count: number, spec: (i: number) => string) => Array.from({ length: count }, (_, i) => spec(i)).join(",");
const BEYOND_2_53 = "9007199254740993";

const headerCases: Record<string, HeaderCase[]> = {
  Range: [
    { input: "1,000 overlapping ranges (more than the 100 considered)", headers: () => ({ Range: `bytes=${list(1000, (i) => `${i}-${i + 10}`)}` }), expected: { status: 200 } },
    { input: "100 one-byte ranges that coalesce (the most considered)", headers: () => ({ Range: `bytes=${list(100, (i) => `${i}-${i}`)}` }), expected: { status: 206, start: 0, end: 99 } },
    { input: "101 one-byte ranges that coalesce (one too many)", headers: () => ({ Range: `bytes=${list(101, (i) => `${i}-${i}`)}` }), expected: { status: 200 } },
    { input: "the same range 50 times", headers: () => ({ Range: `bytes=${list(50, () => "10-19")}` }), expected: { status: 206, start: 10, end: 19 } },
    { input: "a range inside another, listed first (10-20,0-99)", headers: () => ({ Range: "bytes=10-20,0-99" }), expected: { status: 206, start: 0, end: 99 } },
    { input: "adjacent ranges (0-4,5-9)", headers: () => ({ Range: "bytes=0-4,5-9" }), expected: { status: 206, start: 0, end: 9 } },
    // RFC 9110 §14.1.1: last < first makes the range invalid, so the whole header is ignored.
    { input: "reversed (bytes=5-1): invalid, ignored", headers: () => ({ Range: "bytes=5-1" }), expected: { status: 200 } },
    { input: "reversed beside a valid range (5-1,0-3): invalid, ignored", headers: () => ({ Range: "bytes=5-1,0-3" }), expected: { status: 200 } },
    { input: "negative first position (bytes=-5-10)", headers: () => ({ Range: "bytes=-5-10" }), expected: { status: 200 } },
    { input: "negative last position (bytes=0--1)", headers: () => ({ Range: "bytes=0--1" }), expected: { status: 200 } },
    { input: "a zero-length suffix (bytes=-0)", headers: () => ({ Range: "bytes=-0" }), expected: { status: 416 } },
    { input: "non-numeric (bytes=a-b)", headers: () => ({ Range: "bytes=a-b" }), expected: { status: 200 } },
    { input: "hexadecimal (bytes=0x0-0x9)", headers: () => ({ Range: "bytes=0x0-0x9" }), expected: { status: 200 } },
    { input: "exponents (bytes=1e1-2e1)", headers: () => ({ Range: "bytes=1e1-2e1" }), expected: { status: 200 } },
    { input: "decimals (bytes=0.5-1.5)", headers: () => ({ Range: "bytes=0.5-1.5" }), expected: { status: 200 } },
    { input: "a last position beyond 2^53: clamped to the last byte", headers: () => ({ Range: `bytes=0-${BEYOND_2_53}` }), expected: { status: 206, start: 0, end: SIZE - 1 } },
    { input: "a last position of 400 digits (Infinity): clamped", headers: () => ({ Range: `bytes=0-${"9".repeat(400)}` }), expected: { status: 206, start: 0, end: SIZE - 1 } },
    { input: "a first position beyond 2^53", headers: () => ({ Range: `bytes=${BEYOND_2_53}-` }), expected: { status: 416 } },
    { input: "a suffix beyond 2^53: the whole file, as a 206", headers: () => ({ Range: `bytes=-${BEYOND_2_53}` }), expected: { status: 206, start: 0, end: SIZE - 1 } },
    { input: "first and last byte (bytes=0-0,-1): disjoint, whole file", headers: () => ({ Range: "bytes=0-0,-1" }), expected: { status: 200 } },
    { input: "the unit in another case (Bytes=0-9)", headers: () => ({ Range: "Bytes=0-9" }), expected: { status: 206, start: 0, end: 9 } },
    { input: "spaces around = (bytes = 0-9)", headers: () => ({ Range: "bytes = 0-9" }), expected: { status: 200 } },
    { input: "an 8 kB Range (leading zeros)", headers: () => ({ Range: `bytes=0-${"0".repeat(8 * 1024)}9` }), expected: { status: 206, start: 0, end: 9 } },
    { input: "a 16 kB Range: over Node's 16 KiB header limit (Node.js answers)", headers: () => ({ Range: `bytes=0-${"0".repeat(16 * 1024)}9` }), expected: { status: 431 } },
  ],
  "If-Range": [
    { input: "random text", headers: () => ({ Range: "bytes=0-9", "If-Range": "we have it, trust us" }), expected: { status: 200 } },
    { input: "the current ETag made weak (W/…): strong comparison fails", headers: (v) => ({ Range: "bytes=0-9", "If-Range": `W/${v.etag}` }), expected: { status: 200 } },
    { input: "a list with the current ETag", headers: (v) => ({ Range: "bytes=0-9", "If-Range": `"other", ${v.etag}` }), expected: { status: 200 } },
    { input: "*", headers: () => ({ Range: "bytes=0-9", "If-Range": "*" }), expected: { status: 200 } },
    { input: "Last-Modified's instant in ISO 8601", headers: (v) => ({ Range: "bytes=0-9", "If-Range": new Date(v.lastModified).toISOString() }), expected: { status: 200 } },
    { input: "Last-Modified without its weekday", headers: (v) => ({ Range: "bytes=0-9", "If-Range": v.lastModified.slice(5) }), expected: { status: 200 } },
    { input: "Last-Modified minus one second", headers: (v) => ({ Range: "bytes=0-9", "If-Range": new Date(Date.parse(v.lastModified) - 1000).toUTCString() }), expected: { status: 200 } },
    { input: "the current ETag with a beyond-the-end Range", headers: (v) => ({ Range: `bytes=${SIZE}-`, "If-Range": v.etag }), expected: { status: 416 } },
    { input: "the current ETag without any Range", headers: (v) => ({ "If-Range": v.etag }), expected: { status: 200 } },
  ],
  "If-None-Match": [
    { input: '"a", <current ETag>', headers: (v) => ({ "If-None-Match": `"a", ${v.etag}` }), expected: { status: 304 } },
    { input: "*", headers: () => ({ "If-None-Match": "*" }), expected: { status: 304 } },
    { input: "W/<current ETag> (weak comparison, RFC 9110 §13.1.2)", headers: (v) => ({ "If-None-Match": `W/${v.etag}` }), expected: { status: 304 } },
    { input: "W/<another tag>", headers: () => ({ "If-None-Match": 'W/"other"' }), expected: { status: 200 } },
    { input: "garbage", headers: () => ({ "If-None-Match": "garbage, <script>" }), expected: { status: 200 } },
    { input: "the current ETag without its closing quote", headers: (v) => ({ "If-None-Match": v.etag.slice(0, -1) }), expected: { status: 200 } },
    { input: "empty list elements around the current ETag", headers: (v) => ({ "If-None-Match": `, ,${v.etag},,` }), expected: { status: 304 } },
    { input: "1,000 tags, the current one last", headers: (v) => ({ "If-None-Match": `${list(999, (i) => `"t${i}"`)},${v.etag}` }), expected: { status: 304 } },
    { input: "the current ETag with a Range: 304 wins", headers: (v) => ({ "If-None-Match": v.etag, Range: "bytes=0-9" }), expected: { status: 304 } },
  ],
  "If-Modified-Since": [
    { input: "unparsable (yesterday)", headers: () => ({ "If-Modified-Since": "yesterday" }), expected: { status: 200 } },
    { input: "impossible fields (Wed, 99 Foo 2026 99:99:99 GMT)", headers: () => ({ "If-Modified-Since": "Wed, 99 Foo 2026 99:99:99 GMT" }), expected: { status: 200 } },
    { input: "empty", headers: () => ({ "If-Modified-Since": "" }), expected: { status: 200 } },
    { input: "the exact Last-Modified beside a garbage If-None-Match (which wins)", headers: (v) => ({ "If-None-Match": "garbage", "If-Modified-Since": v.lastModified }), expected: { status: 200 } },
  ],
};

describe("request headers on an allowed file", () => {
  let validators: { etag: string; lastModified: string };

  beforeAll(async () => {
    const head = await asAlice(f.url, undefined, "HEAD");
    expect(head.status).toBe(200);
    validators = { etag: head.headers.etag!, lastModified: head.headers["last-modified"]! };
  });

  describe.each(Object.entries(headerCases))("%s", (_header, cases) => {
    it.each(named(cases, (row) => (row.expected.status === 431 ? "431 (Node.js, before the route)" : String(row.expected.status))))("%s", async (_name, row) => {
      const response = await asAlice(f.url, row.headers(validators));
      const { expected } = row;
      expect(response.status).toBe(expected.status);
      for (const sample of samples(bobData)) expect(response.body.includes(sample)).toBe(false);
      switch (expected.status) {
        case 200:
          expect(response.headers["content-range"]).toBeUndefined();
          expect(response.headers["content-length"]).toBe(String(SIZE));
          expect(response.body.equals(Buffer.from(data))).toBe(true);
          break;
        case 206:
          expect(response.headers["content-range"]).toBe(`bytes ${expected.start}-${expected.end}/${SIZE}`);
          expect(response.headers["content-length"]).toBe(String(expected.end - expected.start + 1));
          expect(response.body.equals(Buffer.from(data.subarray(expected.start, expected.end + 1)))).toBe(true);
          break;
        case 304:
          expect(response.headers.etag).toBe(validators.etag);
          expect(response.headers["content-range"]).toBeUndefined();
          expect(response.body.length).toBe(0);
          break;
        case 416:
          expect(response.headers["content-range"]).toBe(`bytes */${SIZE}`);
          expect(response.body.length).toBe(0);
          break;
        case 431:
          expectNoFileBytes(response);
          break;
      }
    });
  });

  it("afterwards the server still serves the file", expectStillServing);
});

// --- 4. sessions ------------------------------------------------------------------

describe("sessions", () => {
  const claims = () => ({ uid: String(aliceUserId), email: "alice@example.com", name: "Alice", isStaff: false });

  /** Changes one character in the middle of a token (a different base64url character). */
  const flipOne = (token: string) => {
    const i = Math.floor(token.length / 2);
    return `${token.slice(0, i)}${token[i] === "A" ? "B" : "A"}${token.slice(i + 1)}`;
  };
  const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

  const forged: { input: string; cookie: () => Promise<string> | string }[] = [
    { input: "a random string", cookie: () => `${SESSION_COOKIE}=${randomBytes(48).toString("base64url")}` },
    { input: "an empty value", cookie: () => `${SESSION_COOKIE}=` },
    { input: "alice's real token with one character changed", cookie: () => `${SESSION_COOKIE}=${flipOne(aliceToken)}` },
    { input: "alice's real token cut in half", cookie: () => `${SESSION_COOKIE}=${aliceToken.slice(0, aliceToken.length >> 1)}` },
    { input: "alice's claims encoded with another secret", cookie: async () => `${SESSION_COOKIE}=${await encode({ token: claims(), secret: "not-the-server-secret" })}` },
    { input: "alice's claims, expired a minute ago (real secret)", cookie: async () => `${SESSION_COOKIE}=${await encode({ token: claims(), secret: SECRET, maxAge: -60 })}` },
    { input: "an unsigned JWT (alg: none) with alice's claims", cookie: () => `${SESSION_COOKIE}=${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims())}.` },
    { input: "alice's real token under the __Secure- name (not read over http)", cookie: () => `__Secure-${SESSION_COOKIE}=${aliceToken}` },
  ];

  describe.each(forged.map((row) => [row.input, row] as const))("forged cookie: %s", (_input, { cookie }) => {
    it("is anonymous on the file route: 401, no bytes", async () => {
      const response = await rawRequest({ target: f.url, cookie: await cookie() });
      expect(response.status).toBe(401);
      expectNoFileBytes(response);
    });

    it("is anonymous on GET /api/files: 401", async () => {
      const response = await rawRequest({ target: "/api/files", cookie: await cookie() });
      expect(response.status).toBe(401);
      expect(response.body.toString()).not.toContain(NAME);
    });
  });

  describe("validly signed tokens for users that do not own the file", () => {
    const ghost = (uid: string, isStaff = false) =>
      encode({ token: { uid, email: "ghost@example.com", name: "Ghost", isStaff }, secret: SECRET });

    // A token for a user who does not exist is no session at all (lib/auth/session-check.ts
    // finds no user row): 401, whatever staff flag it claims.
    const nobody = [
      { input: "a user id that does not exist", uid: () => "999999", isStaff: false },
      { input: "a user id that does not exist, claiming staff", uid: () => "999999", isStaff: true },
    ];
    it.each(named(nobody, () => "401 on alice's owner-only file, no bytes"))("%s", async (_name, { uid, isStaff }) => {
      const token = await ghost(uid(), isStaff);
      const response = await rawRequest({ target: f.url, cookie: `${SESSION_COOKIE}=${token}` });
      expect(response.status).toBe(401);
      expectNoFileBytes(response);
    });

    const tokens = [
      { input: "alice's id with a leading zero", uid: () => `0${aliceUserId}`, isStaff: false },
      { input: "alice's id with a trailing space", uid: () => `${aliceUserId} `, isStaff: false },
    ];
    it.each(named(tokens, () => "403 on alice's owner-only file, no bytes"))("%s", async (_name, { uid, isStaff }) => {
      const token = await ghost(uid(), isStaff);
      const response = await rawRequest({ target: f.url, cookie: `${SESSION_COOKIE}=${token}` });
      expect(response.status).toBe(403);
      expectNoFileBytes(response);
    });

    it("a user id that does not exist gets 401 on GET /api/files, none of alice's submissions", async () => {
      const response = await rawRequest({ target: "/api/files", cookie: `${SESSION_COOKIE}=${await ghost("999999")}` });
      expect(response.status).toBe(401);
      expect(response.body.toString()).not.toContain(NAME);
    });
  });

  it("afterwards alice's real session still downloads the file", expectStillServing);
});
