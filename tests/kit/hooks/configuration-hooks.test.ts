import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  anyone,
  createPrivateFileRoute,
  definePrivateFiles,
  downloadDenied,
  intId,
  localFileStorage,
  preDownload,
  privateModel,
  signedIn,
  type DownloadEvent,
  type PrivateFilesHooks,
} from "next-private-files";

// definePrivateFiles({ on }): listeners of one configuration alone. Two configurations
// in one process, each with its own listeners; the module-level signals (the seed's
// API) still see every download.

type Doc = { id: number; file: string | null };

let root: string;
const disconnect: (() => void)[] = [];
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), "pf-config-hooks-"));
  await fs.mkdir(path.join(root, "docs"));
  await fs.writeFile(path.join(root, "docs", "a.txt"), "the file");
});
afterEach(async () => {
  for (const off of disconnect.splice(0)) off();
  await fs.rm(root, { recursive: true, force: true });
});

function app(name: string, on: PrivateFilesHooks<Doc>, condition = anyone) {
  const docs = privateModel({ id: intId, load: async (id): Promise<Doc | null> => (id === 1 ? { id, file: "docs/a.txt" } : null) }).fields({
    file: { condition },
  });
  const files = definePrivateFiles({ models: { [name]: docs }, getSession: async () => null, storage: localFileStorage({ root }), on });
  const route = createPrivateFileRoute(files);
  return () => route.GET(new Request(`http://localhost/files/${name}/file/1/a.txt`));
}

describe("definePrivateFiles({ on })", () => {
  it("each configuration's listeners see its own downloads only; the module-level signal sees both, first", async () => {
    const seen: string[] = [];
    const listener = (event: DownloadEvent<unknown>) => void seen.push(`module ${event.model}`);
    disconnect.push(preDownload.connect(listener));
    const getA = app("a", { preDownload: (event) => void seen.push(`a's own ${event.model} #${event.record.id}`) });
    const getB = app("b", { preDownload: [(event) => void seen.push(`b's first ${event.model}`), (event) => void seen.push(`b's second ${event.model}`)] });

    const fromA = await getA();
    expect(fromA.status).toBe(200);
    await fromA.arrayBuffer();
    const fromB = await getB();
    expect(fromB.status).toBe(200);
    await fromB.arrayBuffer();

    expect(seen).toEqual(["module a", "a's own a #1", "module b", "b's first b", "b's second b"]);
  });

  it("a configuration's throwing preDownload listener aborts its download with 500, and its downloadFinished hears 'failed'", async () => {
    const finished: string[] = [];
    const get = app("c", {
      preDownload: () => {
        throw new Error("no downloads today");
      },
      downloadFinished: (event) => void finished.push(`${event.outcome} ${event.status}`),
    });
    const response = await get();
    expect(response.status).toBe(500);
    await expect.poll(() => finished).toEqual(["failed 500"]);
  });

  it("downloadDenied of a configuration hears its refusals only, after the module-level listeners", async () => {
    const heard: string[] = [];
    disconnect.push(downloadDenied.connect((event) => void heard.push(`module ${event.model} ${event.status}`)));
    const getD = app("d", { downloadDenied: (event) => void heard.push(`d's own ${event.reason} ${event.status}`) }, signedIn);
    const getE = app("e", {}, signedIn);
    expect((await getD()).status).toBe(401);
    expect((await getE()).status).toBe(401);
    expect(heard).toEqual(["module d 401", "d's own anonymous 401", "module e 401"]);
  });
});
