import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { anyone, definePrivateFiles, intId, localFileStorage, privateModel, type DownloadEvent, type DownloadFinishedEvent } from "next-private-files";
import { createZipRoute, type ZipRoute } from "next-private-files/zip";

// How a granted zip ends when something goes wrong after its first byte: a preDownload
// listener that throws, a file changed since it was checked, a client that stops reading.
// Each time the body errors (the connection is cut, never a zip that looks complete),
// the entry is reported, and no later file is opened.

type Doc = { id: number; name: string; file: string };
const tmp = mkdtempSync(path.join(os.tmpdir(), "pf-zip-failures-"));
const BIG = randomBytes(4 * 1024 * 1024);
const records = new Map<number, Doc>([
  [1, { id: 1, name: "one.bin", file: "one.bin" }],
  [2, { id: 2, name: "two.bin", file: "two.bin" }],
  [3, { id: 3, name: "three.bin", file: "three.bin" }],
]);
const pre: DownloadEvent<unknown>[] = [];
const finished: DownloadFinishedEvent<unknown>[] = [];
let onPre: (event: DownloadEvent<unknown>) => void | Promise<void> = () => undefined;
let route: ZipRoute;
let idleRoute: ZipRoute;

beforeAll(async () => {
  for (const name of ["one.bin", "two.bin", "three.bin"]) await fs.writeFile(path.join(tmp, name), BIG);
  const docs = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) ?? null }).fields({ file: { condition: anyone, originalName: "name" } });
  const options = {
    models: { docs },
    getSession: async () => null,
    storage: localFileStorage({ root: tmp }),
    logger: { warn: () => undefined, error: () => undefined },
    on: {
      preDownload: async (event: DownloadEvent<unknown>) => {
        pre.push(event);
        await onPre(event);
      },
      downloadFinished: (event: DownloadFinishedEvent<unknown>) => void finished.push(event),
    },
  };
  route = createZipRoute(definePrivateFiles(options));
  idleRoute = createZipRoute(definePrivateFiles({ ...options, idleTimeoutMs: 200 }));
});

afterAll(async () => {
  await fs.rm(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  pre.length = 0;
  finished.length = 0;
  onPre = () => undefined;
});

const zipOf = (zipRoute: ZipRoute, ids: number[]) =>
  zipRoute.POST(
    new Request("http://localhost/files/zip", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ items: ids.map((id) => ({ model: "docs", field: "file", id })) }),
    }),
  );
/** Reads the body to its end; the error it ends with, or null. */
async function drain(response: Response): Promise<unknown> {
  try {
    await response.arrayBuffer();
    return null;
  } catch (error) {
    return error;
  }
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 50));
const outcomes = () => finished.map(({ recordId, outcome }) => [recordId, outcome]);

it("a preDownload listener that throws for an entry cuts the zip there; later files are never opened", async () => {
  onPre = (event) => {
    if (event.recordId === "2") throw new Error("refused late");
  };
  const response = await zipOf(route, [1, 2, 3]);
  expect(response.status).toBe(200);
  expect(await drain(response)).toBeInstanceOf(Error);
  await settle();
  expect(pre.map((event) => event.recordId)).toEqual(["1", "2"]);
  expect(outcomes()).toEqual([
    ["1", "completed"],
    ["2", "failed"],
  ]);
});

it("a file changed since it was checked fails the zip rather than sending other bytes", async () => {
  onPre = async (event) => {
    if (event.recordId === "2") await fs.writeFile(path.join(tmp, "two.bin"), "changed");
  };
  try {
    const response = await zipOf(route, [1, 2, 3]);
    expect(await drain(response)).toBeInstanceOf(Error);
    await settle();
    expect(outcomes()).toEqual([
      ["1", "completed"],
      ["2", "failed"],
    ]);
  } finally {
    await fs.writeFile(path.join(tmp, "two.bin"), BIG);
  }
});

it("a client that stops reading is given up after idleTimeoutMs: the entry aborted, its file closed", async () => {
  const response = await zipOf(idleRoute, [1, 2]);
  const reader = response.body!.getReader();
  await reader.read();
  await new Promise((resolve) => setTimeout(resolve, 500));
  await expect(reader.read()).rejects.toThrow(/read nothing for 200 ms/);
  await settle();
  expect(outcomes()).toEqual([["1", "aborted"]]);
  const fds = await fs.readdir("/proc/self/fd");
  const targets = await Promise.all(fds.map((fd) => fs.readlink(`/proc/self/fd/${fd}`).catch(() => "")));
  expect(targets.filter((target) => target.startsWith(tmp))).toEqual([]);
});
