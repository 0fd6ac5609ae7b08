import { execFile, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { newLinkId, signToken } from "@/lib/private-files/src/links/token";
import { baseUrl, databaseUrl, storageRoot, workDir } from "./support/context";
import { auditOf, dbTime, deleteRow, insertSubmission, query, randomData, sha256, writeStored } from "./support/fixtures";
import { startTcpProxy } from "../support/tcp-proxy";
import { eventually } from "./support/process";
import { bin, freePort, LINK_SECRET, runOrThrow, serverEnv, startNext, stopServer } from "./support/server";
import { get, signIn, type CookieJar } from "./support/session";

// Links that work without a session, through next start, on the project's database:
// made by the owner through /api/links, used by anyone who has them, revoked, used up
// (50 at once: one wins), resumed, pruned, and carried across a secret rotation.

const DATA = randomData(200_000);
let alice: CookieJar;
let bob: CookieJar;
let fileId: number;
let fileUrl: string;
const extraServers: ChildProcess[] = [];

beforeAll(async () => {
  [alice, bob] = await Promise.all([signIn("alice@example.com"), signIn("bob@example.com")]);
  const stored = await writeStored("submissions/shared-by-link.bin", DATA);
  fileId = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: "Relevé été.pdf", fileSize: DATA.length });
  fileUrl = `/files/FileSubmission/file/${fileId}/${encodeURIComponent("Relevé été.pdf")}`;
});

afterAll(async () => {
  await Promise.all(extraServers.map(stopServer));
  await query(`DELETE FROM "FileLinkToken" WHERE "recordId" = ?`, [String(fileId)]);
  await deleteRow("FileSubmission", fileId);
});

interface Link {
  id: string;
  url: string;
  singleUse: boolean;
  expiresAt: string;
}

async function share(kind: "24h" | "single-use", jar = alice, file: unknown = fileId): Promise<Response> {
  return fetch(`${baseUrl()}/api/links`, {
    method: "POST",
    headers: { Cookie: jar.header, "Content-Type": "application/json" },
    body: JSON.stringify({ file, kind }),
  });
}

async function newLink(kind: "24h" | "single-use"): Promise<Link> {
  const response = await share(kind);
  expect(response.status).toBe(201);
  return (await response.json()) as Link;
}

/** The link's path and query, for `get` against the test server. */
const pathOf = (link: { url: string }) => {
  const url = new URL(link.url);
  return `${url.pathname}${url.search}`;
};

describe("the Share API", () => {
  it("makes a 24-hour link and a single-use link for the owner, absolute, to the file", async () => {
    const before = Date.now();
    const day = await newLink("24h");
    expect(day.singleUse).toBe(false);
    // Absolute, on the app's public URL (NEXTAUTH_URL), not the address next start listens on.
    expect(new URL(day.url).origin).toBe(baseUrl());
    expect(pathOf(day)).toMatch(new RegExp(`^${fileUrl.replace(/[.%]/g, "\\$&")}\\?token=[A-Za-z0-9_-]{22}\\.\\d+\\.m\\.[A-Za-z0-9_-]{43}$`));
    expect(Math.abs(Date.parse(day.expiresAt) - before - 24 * 3600 * 1000)).toBeLessThan(60_000);
    const once = await newLink("single-use");
    expect(once.singleUse).toBe(true);
    expect(pathOf(once)).toMatch(/\.s\./);

    const listed = (await (await get(`/api/links?file=${fileId}`, { jar: alice })).json()) as { links: { id: string }[] };
    expect(listed.links.map((link) => link.id)).toEqual(expect.arrayContaining([day.id, once.id]));
  });

  it("refuses anyone but the owner, and nonsense", async () => {
    expect((await share("24h", bob)).status).toBe(404);
    expect((await get(`/api/links?file=${fileId}`, { jar: bob })).status).toBe(404);
    expect((await fetch(`${baseUrl()}/api/links`, { method: "POST", body: "{}" })).status).toBe(401);
    expect((await share("forever" as "24h")).status).toBe(400);
    expect((await share("24h", alice, "1; DROP TABLE")).status).toBe(400);
  });
});

describe("a 24-hour link", () => {
  it("downloads without a session, with the original name, by range too; the trail names the link", async () => {
    const link = await newLink("24h");
    const response = await get(pathOf(link));
    expect(response.status).toBe(200);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(DATA));
    expect(response.headers.get("content-disposition")).toContain("filename*=UTF-8''Relev%C3%A9%20%C3%A9t%C3%A9.pdf");
    const part = await get(pathOf(link), { headers: { Range: "bytes=0-99" } });
    expect(part.status).toBe(206);
    expect(Buffer.from(await part.arrayBuffer()).equals(Buffer.from(DATA.subarray(0, 100)))).toBe(true);
    // bob, signed in, is no more and no less than anyone with the link.
    expect((await get(pathOf(link), { jar: bob })).status).toBe(200);
    expect(await eventually(async () => (await auditOf("FileSubmission", fileId)).filter((row) => row.linkId === link.id).length === 3)).toBe(true);
  });

  it("is refused with 403 and a short reason when tampered with, or used for another file", async () => {
    const link = await newLink("24h");
    const url = pathOf(link);
    const token = url.split("token=")[1]!;
    const last = token.at(-1) === "A" ? "B" : "A";
    const tampered = await get(`${url.slice(0, -1)}${last}`);
    expect(tampered.status).toBe(403);
    expect(await tampered.text()).toBe("Forbidden: invalid link\n");
    const other = await insertSubmission({ owner: "alice@example.com", file: "submissions/shared-by-link.bin", fileName: "Relevé été.pdf", fileSize: DATA.length });
    try {
      const elsewhere = await get(`/files/FileSubmission/file/${other}/${encodeURIComponent("Relevé été.pdf")}?token=${token}`);
      expect(elsewhere.status).toBe(403);
    } finally {
      await deleteRow("FileSubmission", other);
    }
    const malformed = await get(`${fileUrl}?token=%3Cscript%3E`);
    expect(malformed.status).toBe(403);
    expect(await malformed.text()).toBe("Forbidden: malformed link\n");
    const trail = await auditOf("FileSubmission", fileId);
    expect(trail.filter((row) => row.reason === "link-invalid").length).toBeGreaterThanOrEqual(1);
    expect(trail.filter((row) => row.reason === "link-malformed").length).toBeGreaterThanOrEqual(1);
  });

  it("is refused once expired: 403 'link expired'", async () => {
    // A link made (and recorded) as the kit would, with an expiry already past: the
    // test holds the servers' secret, so it can sign one.
    const id = newLinkId();
    const expires = Math.floor(Date.now() / 1000) - 5;
    const [row] = await query<{ file: string }>(`SELECT "file" FROM "FileSubmission" WHERE "id" = ?`, [fileId]);
    const token = signToken({ model: "FileSubmission", field: "file", recordId: String(fileId), storedPath: row!.file, expires, id, singleUse: false }, LINK_SECRET);
    await query(
      `INSERT INTO "FileLinkToken" ("id", "model", "field", "recordId", "singleUse", "expiresAt", "createdAt") VALUES (?, 'FileSubmission', 'file', ?, ?, ?, ?)`,
      [id, String(fileId), 0, dbTime(new Date(expires * 1000)), dbTime(new Date())],
    );
    const response = await get(`${fileUrl}?token=${token}`);
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Forbidden: link expired\n");
    // The same token with a later expiry is not a valid token: the expiry is signed.
    const later = token.replace(`.${expires}.`, `.${expires + 3600}.`);
    expect(await (await get(`${fileUrl}?token=${later}`)).text()).toBe("Forbidden: invalid link\n");
  });

  it("is revoked by its owner (403 'link revoked' from then on); nobody else can revoke it", async () => {
    const link = await newLink("24h");
    const revoke = (jar: CookieJar) => fetch(`${baseUrl()}/api/links/${link.id}`, { method: "DELETE", headers: { Cookie: jar.header } });
    expect((await revoke(bob)).status).toBe(404);
    expect((await get(pathOf(link))).status).toBe(200);
    expect((await revoke(alice)).status).toBe(204);
    const refused = await get(pathOf(link));
    expect(refused.status).toBe(403);
    expect(await refused.text()).toBe("Forbidden: link revoked\n");
  });
});

describe("a single-use link", () => {
  it("used by 50 clients at once: exactly one gets the file, 49 get 410 Gone", async () => {
    const link = await newLink("single-use");
    const answers = await Promise.all(
      Array.from({ length: 50 }, async () => {
        const response = await get(pathOf(link));
        const body = new Uint8Array(await response.arrayBuffer());
        return { status: response.status, body };
      }),
    );
    const granted = answers.filter((answer) => answer.status === 200);
    expect(granted).toHaveLength(1);
    expect(sha256(granted[0]!.body)).toBe(sha256(DATA));
    const gone = answers.filter((answer) => answer.status === 410);
    expect(gone).toHaveLength(49);
    expect(gone.every((answer) => Buffer.from(answer.body).toString() === "Gone: link already used\n")).toBe(true);
    expect(await eventually(async () => (await auditOf("FileSubmission", fileId)).filter((row) => row.linkId === link.id).length === 1)).toBe(true);
  });

  it("is not spent by HEAD", async () => {
    const link = await newLink("single-use");
    for (let i = 0; i < 3; i++) expect((await get(pathOf(link), { method: "HEAD" })).status).toBe(200);
    expect((await get(pathOf(link))).status).toBe(200);
    expect((await get(pathOf(link))).status).toBe(410);
  });

  it("lets the client that spent it resume with Range, by its resume cookie, for a while", async () => {
    const link = await newLink("single-use");
    const agent = { "User-Agent": "Wget/1.21.3" };
    // The first GET takes some bytes and hangs up, as a broken connection would.
    const { received, cookie } = await new Promise<{ received: number; cookie: string }>((resolve, reject) => {
      const request = http.get(`${baseUrl()}${pathOf(link)}`, { headers: agent }, (response) => {
        if (response.statusCode !== 200) reject(new Error(`status ${response.statusCode}`));
        const setCookie = response.headers["set-cookie"]?.[0] ?? "";
        response.once("data", (chunk: Buffer) => {
          request.destroy();
          resolve({ received: chunk.length, cookie: setCookie.split(";")[0]! });
        });
      });
      request.on("error", () => undefined);
    });
    expect(cookie).toMatch(new RegExp(`^pf-resume-${link.id}=`));
    const resumed = await get(pathOf(link), { headers: { ...agent, Cookie: cookie, Range: `bytes=${received}-` } });
    expect(resumed.status).toBe(206);
    expect(Buffer.from(await resumed.arrayBuffer()).equals(Buffer.from(DATA.subarray(received)))).toBe(true);
    // The same client without Range, or with a Range that is not honoured: used up.
    expect((await get(pathOf(link), { headers: { ...agent, Cookie: cookie } })).status).toBe(410);
    expect((await get(pathOf(link), { headers: { ...agent, Cookie: cookie, Range: "x" } })).status).toBe(410);
    // Once the window (10 minutes) has passed, not even the same client.
    await query(`UPDATE "FileLinkToken" SET "usedAt" = ? WHERE "id" = ?`, [dbTime(new Date(Date.now() - 11 * 60_000)), link.id]);
    expect((await get(pathOf(link), { headers: { ...agent, Cookie: cookie, Range: `bytes=${received}-` } })).status).toBe(410);
  });

  it("cannot be reopened by another client that copies the User-Agent and claims the spender's address", async () => {
    const link = await newLink("single-use");
    const victim = { "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", "X-Forwarded-For": "203.0.113.9" };
    const spent = await get(pathOf(link), { headers: victim });
    expect(spent.status).toBe(200);
    await spent.arrayBuffer();
    // Everything the attacker can see or guess, and every Range, malformed or not.
    for (const range of ["x", "bytes=0-", "bytes=100-", "bytes=-50", "bytes=0-0"]) {
      const answer = await get(pathOf(link), { headers: { ...victim, Range: range } });
      expect(answer.status, `Range: ${range}`).toBe(410);
      expect(Buffer.from(await answer.arrayBuffer()).toString()).toBe("Gone: link already used\n");
    }
    // A made-up resume cookie neither.
    const forged = await get(pathOf(link), { headers: { ...victim, Cookie: `pf-resume-${link.id}=${"A".repeat(43)}`, Range: "bytes=100-" } });
    expect(forged.status).toBe(410);
  });

  it("resumes with curl -C - when curl keeps its cookie jar; not without it", async () => {
    await withBigFile("curl-resumed.bin", 4 * 1024 * 1024, async (big, bigId, dir) => {
      const link = await newLinkTo(bigId);
      const out = path.join(dir, "out.bin");
      const jar = path.join(dir, "jar.txt");
      // The connection drops after 1 MiB of the answer (a relay cuts it): curl keeps the
      // part it got and its cookie jar (exit 18, partial file).
      const relay = await startTcpProxy({ host: "127.0.0.1", port: Number(new URL(link.url).port) });
      try {
        relay.cutAfter = 1024 * 1024;
        const first = await run("curl", ["-sS", "-c", jar, "-b", jar, "--connect-to", `::127.0.0.1:${relay.port}`, "-o", out, link.url]);
        expect(first.status, first.stderr).toBe(18);
      } finally {
        await relay.close();
      }
      const partial = (await fs.stat(out)).size;
      expect(partial).toBeGreaterThan(0);
      expect(partial).toBeLessThan(big.length);
      // Another curl with the same part but without the jar (the link and the part copied
      // elsewhere; the same User-Agent, the same address): refused.
      await fs.copyFile(out, path.join(dir, "stranger.bin"));
      const stranger = await run("curl", ["-sS", "-f", "-C", "-", "-o", path.join(dir, "stranger.bin"), link.url]);
      expect(stranger.status).toBe(22);
      expect(stranger.stderr).toContain("410");
      const resumed = await run("curl", ["-sS", "-f", "-C", "-", "-c", jar, "-b", jar, "-o", out, link.url]);
      expect(resumed.status, resumed.stderr).toBe(0);
      expect(sha256(await fs.readFile(out))).toBe(sha256(big));
      // The second curl was a resume: a 206 from where the first one stopped.
      const resumedRow = async () => (await auditOf("FileSubmission", bigId)).find((row) => row.linkId === link.id && row.status === 206);
      expect(await eventually(async () => (await resumedRow()) !== undefined)).toBe(true);
      expect(await resumedRow()).toMatchObject({ outcome: "completed", rangeStart: partial, bytesSent: big.length - partial });
    });
  });

  it("downloads with aria2c -x8 in segments by the client that spent it", async () => {
    await withBigFile("aria2-segmented.bin", 12 * 1024 * 1024, async (big, bigId, dir) => {
      const link = await newLinkTo(bigId);
      const args = ["-x8", "-s8", "-k1M", "--file-allocation=none", "--console-log-level=warn", "--summary-interval=0", "--max-tries=1", "-d", dir, "-o", "dataset.bin", link.url];
      const result = await run("aria2c", args);
      expect(result.status, `${result.stdout}\n${result.stderr}`).toBe(0);
      expect(sha256(await fs.readFile(path.join(dir, "dataset.bin")))).toBe(sha256(big));
      // It really came in parts: several ranged answers after the one that spent the link.
      const ranged = async () => (await auditOf("FileSubmission", bigId)).filter((row) => row.linkId === link.id && (row.rangeStart ?? 0) > 0);
      expect(await eventually(async () => (await ranged()).length >= 2)).toBe(true);
      // And the link stays spent for anyone else.
      expect((await get(pathOf(link), { headers: { Range: "bytes=0-" } })).status).toBe(410);
    });
  });
});

/** Runs a command to its end without blocking the event loop (the relay above runs in this process). */
function run(command: string, args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(command, args, { encoding: "utf8", timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error && typeof error.code === "number" ? error.code : error ? null : 0;
      resolve({ status: code, stdout, stderr });
    });
  });
}

/** A file of alice's with `size` random bytes, its record and a temp directory, removed afterwards. */
async function withBigFile(name: string, size: number, use: (data: Uint8Array, id: number, dir: string) => Promise<void>): Promise<void> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "pf-resume-"));
  const data = randomData(size);
  const id = await insertSubmission({ owner: "alice@example.com", file: await writeStored(`submissions/${name}`, data), fileName: name, fileSize: size });
  try {
    await use(data, id, dir);
  } finally {
    await query(`DELETE FROM "FileLinkToken" WHERE "recordId" = ?`, [String(id)]);
    await deleteRow("FileSubmission", id);
    await fs.rm(dir, { recursive: true, force: true });
  }
}

async function newLinkTo(id: number): Promise<Link> {
  const response = await share("single-use", alice, id);
  expect(response.status).toBe(201);
  return (await response.json()) as Link;
}

describe("npm run links:prune", () => {
  it("deletes expired links and single-use links used past the resume window, and nothing else", async () => {
    const [live, expired, usedLongAgo, usedJustNow] = await Promise.all([newLink("24h"), newLink("24h"), newLink("single-use"), newLink("single-use")]);
    await query(`UPDATE "FileLinkToken" SET "expiresAt" = ? WHERE "id" = ?`, [dbTime(new Date(Date.now() - 60_000)), expired.id]);
    await query(`UPDATE "FileLinkToken" SET "usedAt" = ?, "usedBy" = 'x' WHERE "id" = ?`, [dbTime(new Date(Date.now() - 3600_000)), usedLongAgo.id]);
    expect((await get(pathOf(usedJustNow))).status).toBe(200);

    runOrThrow(bin("tsx"), ["scripts/prune-links.ts"], serverEnv(0, databaseUrl(), storageRoot()));
    const left = (await query<{ id: string }>(`SELECT "id" FROM "FileLinkToken" WHERE "id" IN (?, ?, ?, ?)`, [live.id, expired.id, usedLongAgo.id, usedJustNow.id])).map((row) => row.id);
    expect(left.sort()).toEqual([live.id, usedJustNow.id].sort());
  });
});

describe("a secret rotation", () => {
  it("keeps live links working while the old secret is listed as previous; dropping it ends them", async () => {
    const link = await newLink("24h");
    const NEW_SECRET = "rotated-link-secret-fedcba9876543210";
    const start = async (env: Record<string, string>, name: string) => {
      const port = await freePort();
      const child = await startNext(port, { ...serverEnv(port, databaseUrl(), storageRoot()), ...env }, path.join(workDir(), `${name}.log`));
      extraServers.push(child);
      return `http://127.0.0.1:${port}`;
    };
    const [rotated, dropped] = await Promise.all([
      start({ PRIVATE_FILES_LINK_SECRET: NEW_SECRET, PRIVATE_FILES_LINK_PREVIOUS_SECRETS: LINK_SECRET }, "links-rotated"),
      start({ PRIVATE_FILES_LINK_SECRET: NEW_SECRET, PRIVATE_FILES_LINK_PREVIOUS_SECRETS: "" }, "links-dropped"),
    ]);
    const kept = await fetch(`${rotated}${pathOf(link)}`);
    expect(kept.status).toBe(200);
    expect(sha256(new Uint8Array(await kept.arrayBuffer()))).toBe(sha256(DATA));
    const ended = await fetch(`${dropped}${pathOf(link)}`);
    expect(ended.status).toBe(403);
    expect(await ended.text()).toBe("Forbidden: invalid link\n");

    // New links are signed with the new secret: the rotated servers take them, the old one does not.
    const aliceThere = await signIn("alice@example.com", "demo-password", rotated);
    const response = await fetch(`${rotated}/api/links`, {
      method: "POST",
      headers: { Cookie: aliceThere.header, "Content-Type": "application/json" },
      body: JSON.stringify({ file: fileId, kind: "24h" }),
    });
    const fresh = (await response.json()) as Link;
    expect((await fetch(`${dropped}${pathOf(fresh)}`)).status).toBe(200);
    expect((await get(pathOf(fresh))).status).toBe(403);
  });
});
