import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Session } from "next-private-files";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createPrivateFileRoute,
  definePrivateFiles,
  downloadDenied,
  downloadFinished,
  intId,
  localFileStorage,
  owner,
  preDownload,
  privateModel,
  type DenialEvent,
  type DownloadFinishedEvent,
  type PrivateFileRoute,
} from "next-private-files";

// The audit signals (downloadDenied, downloadFinished), the timeouts and the
// field-folder confinement, through the route in process with real local storage.

type Doc = { id: number; ownerId: number; file: string | null; hidden: string | null; boom: string | null; hang: string | null };

const BIG = 3 * 1024 * 1024; // several read chunks, so a download can be cut in the middle
const DATA = randomBytes(BIG);
const TIMEOUT_MS = 150;
const tmp = mkdtempSync(path.join(os.tmpdir(), "pf-audit-"));
const root = path.join(tmp, "root");
const records = new Map<number, Doc>();
let hangLoads = false;
const never = new Promise<never>(() => undefined);

const docs = privateModel<Doc, number>({
  id: intId,
  load: async (id) => (hangLoads ? never : (records.get(id) ?? null)),
}).fields({
  file: { uploadTo: "docs", condition: owner("ownerId") },
  hidden: { uploadTo: "docs", condition: owner("ownerId"), denial: "not-found" },
  boom: {
    uploadTo: "docs",
    condition: () => {
      throw new Error("condition exploded");
    },
  },
  hang: { uploadTo: "docs", condition: () => never },
});

const sessions: Record<string, Session> = {
  alice: { user: { id: "1", name: "Alice", email: "alice@example.com" } },
  bob: { user: { id: "2", name: "Bob", email: "bob@example.com" } },
};
const errors: string[] = [];
let route: PrivateFileRoute;

beforeAll(async () => {
  await fs.mkdir(path.join(root, "docs"), { recursive: true });
  await fs.mkdir(path.join(root, "elsewhere"), { recursive: true });
  await fs.writeFile(path.join(root, "docs", "big.bin"), DATA);
  await fs.writeFile(path.join(root, "elsewhere", "secret.bin"), "another field's file");
  records.set(1, { id: 1, ownerId: 1, file: "docs/big.bin", hidden: "docs/big.bin", boom: "docs/big.bin", hang: "docs/big.bin" });
  records.set(2, { id: 2, ownerId: 1, file: "elsewhere/secret.bin", hidden: null, boom: null, hang: null });
  records.set(3, { id: 3, ownerId: 1, file: "docs", hidden: "docsx/big.bin", boom: null, hang: null });
  const files = definePrivateFiles({
    models: { docs },
    getSession: async (request) => sessions[request.headers.get("x-test-user") ?? ""] ?? null,
    storage: localFileStorage({ root }),
    signInUrl: "/signin",
    timeoutMs: TIMEOUT_MS,
    retryAfterSeconds: 7,
    logger: { warn: () => undefined, error: (message) => void errors.push(message) },
  });
  route = createPrivateFileRoute(files);
});

afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

let denied: DenialEvent<Doc>[];
let finished: DownloadFinishedEvent<Doc>[];
const cleanups: (() => void)[] = [];
beforeEach(() => {
  denied = [];
  finished = [];
  errors.length = 0;
  hangLoads = false;
  cleanups.push(downloadDenied.connect((event) => void denied.push(event), { sender: docs }));
  cleanups.push(downloadFinished.connect((event) => void finished.push(event), { sender: docs }));
});
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

function call(url: string, options: { user?: string; method?: "GET" | "HEAD"; headers?: Record<string, string> } = {}) {
  const headers = new Headers(options.headers);
  if (options.user) headers.set("x-test-user", options.user);
  const method = options.method ?? "GET";
  return route[method](new Request(`http://localhost${url}`, { method, headers }));
}

/** Waits for the background downloadFinished listeners. */
async function finishedEvents(count: number): Promise<DownloadFinishedEvent<Doc>[]> {
  for (let i = 0; i < 100 && finished.length < count; i++) await new Promise((r) => setTimeout(r, 10));
  return finished;
}

describe("downloadDenied", () => {
  it("fires with reason anonymous and status 401 for a request without a session", async () => {
    const response = await call("/files/docs/file/1/big.bin");
    expect(response.status).toBe(401);
    expect(denied).toHaveLength(1);
    expect(denied[0]).toMatchObject({ model: "docs", field: "file", reason: "anonymous", status: 401, user: null });
    expect(denied[0]!.record.id).toBe(1);
  });

  it("fires with status 302 when a browser navigation is sent to sign in", async () => {
    const response = await call("/files/docs/file/1/big.bin", { headers: { "Sec-Fetch-Mode": "navigate" } });
    expect(response.status).toBe(302);
    expect(denied.map((e) => [e.reason, e.status])).toEqual([["anonymous", 302]]);
  });

  it("fires with reason forbidden and status 403 for a signed-in user the condition refuses", async () => {
    const response = await call("/files/docs/file/1/big.bin", { user: "bob" });
    expect(response.status).toBe(403);
    expect(denied.map((e) => [e.reason, e.status, e.user?.email])).toEqual([["forbidden", 403, "bob@example.com"]]);
  });

  it("fires with the 404 a hiding field answers", async () => {
    expect((await call("/files/docs/hidden/1/big.bin", { user: "bob" })).status).toBe(404);
    expect(denied.map((e) => [e.reason, e.status])).toEqual([["forbidden", 404]]);
  });

  it("fires for a denied HEAD too", async () => {
    expect((await call("/files/docs/file/1/big.bin", { method: "HEAD", user: "bob" })).status).toBe(403);
    expect(denied).toHaveLength(1);
    expect(denied[0]!.request.method).toBe("HEAD");
  });

  it("fires with reason condition-error for a condition that throws (500)", async () => {
    expect((await call("/files/docs/boom/1/big.bin", { user: "alice" })).status).toBe(500);
    expect(denied.map((e) => [e.reason, e.status])).toEqual([["condition-error", 500]]);
  });

  it("does not fire for granted downloads or for requests that never reach a record", async () => {
    await (await call("/files/docs/file/1/big.bin", { user: "alice" })).arrayBuffer();
    expect((await call("/files/docs/file/99/big.bin", { user: "bob" })).status).toBe(404);
    expect((await call("/files/nope/file/1/big.bin", { user: "bob" })).status).toBe(404);
    expect(denied).toEqual([]);
  });

  it("a listener that throws is logged and the refusal stands", async () => {
    cleanups.push(
      downloadDenied.connect(() => {
        throw new Error("audit store down");
      }),
    );
    const response = await call("/files/docs/file/1/big.bin", { user: "bob" });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Forbidden\n");
    expect(errors).toContain("downloadDenied listener failed");
  });
});

describe("downloadFinished", () => {
  it("reports a completed download with every byte, after the body ended", async () => {
    const response = await call("/files/docs/file/1/big.bin", { user: "alice" });
    expect(finished).toEqual([]); // nothing is reported before the body is read
    expect(Buffer.from(await response.arrayBuffer()).equals(DATA)).toBe(true);
    const [event] = await finishedEvents(1);
    expect(event).toMatchObject({ model: "docs", field: "file", outcome: "completed", status: 200, bytesSent: BIG, size: BIG, range: null });
    expect(event!.user?.email).toBe("alice@example.com");
    expect(event!.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("reports the bytes of a 206", async () => {
    const response = await call("/files/docs/file/1/big.bin", { user: "alice", headers: { Range: "bytes=100-1099" } });
    expect(response.status).toBe(206);
    await response.arrayBuffer();
    expect((await finishedEvents(1)).map((e) => [e.outcome, e.status, e.bytesSent])).toEqual([["completed", 206, 1000]]);
  });

  it("reports an aborted download with the bytes sent before the client went away", async () => {
    const response = await call("/files/docs/file/1/big.bin", { user: "alice" });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.done).toBe(false);
    await reader.cancel("client went away");
    const [event] = await finishedEvents(1);
    expect(event!.outcome).toBe("aborted");
    expect(event!.bytesSent).toBe(first.value!.byteLength);
    expect(event!.bytesSent).toBeLessThan(BIG);
  });

  it("reports a failed download when the file shrinks mid-stream, and the body errors", async () => {
    const copy = path.join(root, "docs", "shrinking.bin");
    await fs.writeFile(copy, DATA);
    records.set(4, { id: 4, ownerId: 1, file: "docs/shrinking.bin", hidden: null, boom: null, hang: null });
    const response = await call("/files/docs/file/4/shrinking.bin", { user: "alice" });
    const reader = response.body!.getReader();
    await reader.read();
    await fs.truncate(copy, 1000);
    await expect(
      (async () => {
        for (;;) if ((await reader.read()).done) return "ended normally";
      })(),
    ).rejects.toThrow(/file ended/);
    const [event] = await finishedEvents(1);
    expect(event!.outcome).toBe("failed");
  });

  it("reports failed with 500 and no bytes when a preDownload listener throws", async () => {
    cleanups.push(
      preDownload.connect(
        () => {
          throw new Error("counter down");
        },
        { sender: docs },
      ),
    );
    expect((await call("/files/docs/file/1/big.bin", { user: "alice" })).status).toBe(500);
    expect((await finishedEvents(1)).map((e) => [e.outcome, e.status, e.bytesSent])).toEqual([["failed", 500, 0]]);
  });

  it("never fires for HEAD, 304 or 416", async () => {
    await call("/files/docs/file/1/big.bin", { user: "alice", method: "HEAD" });
    const etag = (await call("/files/docs/file/1/big.bin", { user: "alice", method: "HEAD" })).headers.get("etag")!;
    expect((await call("/files/docs/file/1/big.bin", { user: "alice", headers: { "If-None-Match": etag } })).status).toBe(304);
    expect((await call("/files/docs/file/1/big.bin", { user: "alice", headers: { Range: `bytes=${BIG}-` } })).status).toBe(416);
    expect(await finishedEvents(1)).toEqual([]);
  });

  it("a listener that throws is logged and the download is unaffected", async () => {
    cleanups.push(
      downloadFinished.connect(() => {
        throw new Error("audit store down");
      }),
    );
    const response = await call("/files/docs/file/1/big.bin", { user: "alice" });
    expect(Buffer.from(await response.arrayBuffer()).equals(DATA)).toBe(true);
    await finishedEvents(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(errors).toContain("downloadFinished listener failed");
  });
});

describe("timeouts: a hung lookup, condition or listener answers 503", () => {
  it("a record lookup that never settles", async () => {
    hangLoads = true;
    const started = Date.now();
    const response = await call("/files/docs/file/1/big.bin", { user: "alice" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
  });

  it("a condition that never settles: 503, no bytes, a condition-timeout denial", async () => {
    const response = await call("/files/docs/hang/1/big.bin", { user: "alice" });
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(await response.text()).toBe("Service Unavailable\n");
    expect(denied.map((e) => [e.reason, e.status])).toEqual([["condition-timeout", 503]]);
  });

  it("a preDownload listener that never settles: 503, no bytes, reported as failed", async () => {
    cleanups.push(preDownload.connect(() => never, { sender: docs }));
    const response = await call("/files/docs/file/1/big.bin", { user: "alice" });
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("Service Unavailable\n");
    expect((await finishedEvents(1)).map((e) => [e.outcome, e.status, e.bytesSent])).toEqual([["failed", 503, 0]]);
  });

  it("rejects a timeout that is not a positive number", () => {
    const options = { models: { docs }, getSession: async () => null, timeoutMs: 0 };
    expect(() => definePrivateFiles(options)).toThrow(/timeoutMs/);
  });
});

describe("a field serves only files inside its own uploadTo folder", () => {
  it("refuses a record pointing into another folder of the same storage (404, not a denial)", async () => {
    const response = await call("/files/docs/file/2/secret.bin", { user: "alice" });
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Not Found\n");
  });

  it("refuses the folder itself and a look-alike prefix", async () => {
    expect((await call("/files/docs/file/3/docs", { user: "alice" })).status).toBe(404);
    expect((await call("/files/docs/hidden/3/big.bin", { user: "alice" })).status).toBe(404);
  });

  it("still serves a file inside the folder", async () => {
    expect((await call("/files/docs/file/1/big.bin", { user: "alice", method: "HEAD" })).status).toBe(200);
  });
});
