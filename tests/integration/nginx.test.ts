import type { ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteRow, downloadsOf, insertCounted, insertSubmission, randomData, sha256, writeStored } from "./support/fixtures";
import { startNginx } from "./support/nginx";
import { freePort, serverEnv, startNext, stopServer } from "./support/server";
import { signInAt, type CookieJar } from "./support/sign-in";

// nginx in front of `next start` with X-Accel-Redirect: the app authorizes and counts,
// nginx sends the bytes from an `internal` location mapped to the storage root.

const PREFIX = "/_protected/";
const DATA = randomData(300_000);
let next: ChildProcess;
let nginx: { stop(): Promise<void> };
let base: string;
let alice: CookieJar;
let bob: CookieJar;
let fileUrl: string;
let storedPath: string;
let countedId: number;
const rows: [Parameters<typeof deleteRow>[0], number][] = [];

beforeAll(async () => {
  const [nextPort, nginxPort] = [await freePort(), await freePort()];
  base = `http://127.0.0.1:${nginxPort}`;
  const env = {
    ...serverEnv(nextPort, databaseUrl(), storageRoot()),
    NEXTAUTH_URL: base,
    PRIVATE_FILES_DELIVERY: "x-accel-redirect",
    PRIVATE_FILES_ACCEL_PREFIX: PREFIX,
  };
  next = await startNext(nextPort, env, path.join(workDir(), "nginx-next.log"));
  nginx = await startNginx({ port: nginxPort, upstreamPort: nextPort, storageRoot: storageRoot(), internalPrefix: PREFIX, dir: path.join(workDir(), "nginx") });

  // A folder and a name with spaces and non-ASCII: nginx must decode the redirect target.
  storedPath = await writeStored("submissions/été 2024/rapport final.bin", DATA);
  const id = await insertSubmission({ owner: "alice@example.com", file: storedPath, fileName: "Rapport final.pdf", fileSize: DATA.length });
  rows.push(["FileSubmission", id]);
  fileUrl = `/files/FileSubmission/file/${id}/${encodeURIComponent("Rapport final.pdf")}`;
  const counted = await writeStored("downloadables/nginx-counted.csv", new TextEncoder().encode("a,b\n1,2\n"));
  countedId = await insertCounted({ file: counted, fileName: "counted.csv", fileSize: 8, description: "counted through nginx" });
  rows.push(["CountedDownload", countedId]);
  [alice, bob] = await Promise.all([signInAt(base, "alice@example.com"), signInAt(base, "bob@example.com")]);
}, 120_000);

afterAll(async () => {
  for (const [table, id] of rows) await deleteRow(table, id);
  await nginx?.stop();
  if (next) await stopServer(next);
});

const get = (pathname: string, jar?: CookieJar, headers: Record<string, string> = {}, method = "GET") =>
  fetch(`${base}${pathname}`, { method, redirect: "manual", headers: { ...headers, ...(jar ? { Cookie: jar.header } : {}) } });

describe("nginx in front, X-Accel-Redirect", () => {
  it("an allowed download returns the file's bytes, sent by nginx with the app's name and type", async () => {
    const response = await get(fileUrl, alice);
    expect(response.status).toBe(200);
    expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(DATA));
    expect(response.headers.get("server")).toMatch(/^nginx/);
    expect(response.headers.get("content-length")).toBe(String(DATA.length));
    expect(response.headers.get("content-type")).toBe("application/pdf");
    expect(response.headers.get("content-disposition")).toContain("Rapport");
    expect(response.headers.get("x-accel-redirect")).toBeNull(); // consumed by nginx, never shown
  });

  it("ranges work: 206 with the exact slice", async () => {
    const response = await get(fileUrl, alice, { Range: "bytes=1000-1999" });
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes 1000-1999/${DATA.length}`);
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(DATA.subarray(1000, 2000)))).toBe(true);
  });

  it("conditional requests work: 304 for the ETag and for Last-Modified", async () => {
    const first = await get(fileUrl, alice);
    await first.arrayBuffer();
    const etag = first.headers.get("etag")!;
    const lastModified = first.headers.get("last-modified")!;
    expect(etag).toMatch(/^"[0-9a-f]+-[0-9a-f]+"$/);
    expect((await get(fileUrl, alice, { "If-None-Match": etag })).status).toBe(304);
    expect((await get(fileUrl, alice, { "If-Modified-Since": lastModified })).status).toBe(304);
    // The app's own HEAD answer carries the same validators as nginx's.
    const head = await get(fileUrl, alice, {}, "HEAD");
    expect(head.headers.get("etag")).toBe(etag);
    expect(head.headers.get("last-modified")).toBe(lastModified);
  });

  it("a denied download gets 403 and no bytes; an anonymous one 401", async () => {
    const denied = await get(fileUrl, bob);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toBe("Forbidden\n");
    const anonymous = await get(fileUrl);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("content-range")).toBeNull();
  });

  it("a direct request to the internal location gets 404, whatever the path", async () => {
    const direct = `${PREFIX}${storedPath.split("/").map(encodeURIComponent).join("/")}`;
    for (const target of [direct, `${PREFIX}../test.db`, `${PREFIX}`, "/_protected"]) {
      const response = await get(target, alice);
      expect(response.status, target).toBe(404);
      expect(Buffer.from(await response.arrayBuffer()).includes(Buffer.from(DATA.subarray(0, 64)))).toBe(false);
    }
  });

  it("preDownload still runs in the app: the counter counts each download through nginx once", async () => {
    const url = `/files/CountedDownload/file/${countedId}/counted.csv`;
    const before = await downloadsOf(countedId);
    for (let i = 0; i < 3; i++) expect(await (await get(url, alice)).text()).toBe("a,b\n1,2\n");
    expect((await get(url, alice, {}, "HEAD")).status).toBe(200);
    expect(await downloadsOf(countedId)).toBe(before + 3);
  });

});
