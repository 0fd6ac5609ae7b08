import fsCallbacks from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  createPrivateFileRoute,
  definePrivateFiles,
  intId,
  localFileStorage,
  privateModel,
  anyone,
} from "next-private-files";
import { defaultStorageRoot, UnsafeStoredPathError, type FileStorage } from "next-private-files";
// Internal: the local storage with its /proc check forced off.
import { createLocalStorage } from "../../../lib/private-files/src/storage/local";
import { readAll } from "../../support/streams";

// Local storage has two ways to keep a symlink from leading out of the root: on Linux
// it asks /proc/self/fd where the opened descriptor really is; elsewhere it judges the
// path with realpath first and opens what realpath named with O_NOFOLLOW. This machine
// has /proc, so `createLocalStorage(options, false)` runs the second way here; both
// ways get the same tests. A failing file system is simulated by making fs.open or
// fs.realpath (the objects local.ts calls) reject with a given error code.

let tmp: string;
let root: string;

beforeEach(async () => {
  tmp = await fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), "pf-noproc-")));
  root = path.join(tmp, "root");
  await fs.mkdir(root);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fs.rm(tmp, { recursive: true, force: true });
});

async function put(relative: string, data: string): Promise<string> {
  const file = path.join(root, relative);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, data);
  return file;
}

async function text(storage: FileStorage, stored: string): Promise<string | null> {
  const opened = await storage.open(stored);
  if (!opened) return null;
  return (await readAll(opened.stream())).bytes.toString();
}

const errno = (code: string) => Object.assign(new Error(`${code}: simulated`), { code });

/**
 * Makes opens (node:fs's callback `open`, which downloads open descriptors with, and
 * fs/promises' `open`, which uploads write with) or fs.realpath fail with `code` for
 * paths under the storage root.
 */
function failUnderRoot(method: "open" | "realpath", code: string): void {
  if (method === "open") {
    const callbackOpen = fsCallbacks.open as (...args: unknown[]) => void;
    vi.spyOn(fsCallbacks, "open").mockImplementation(((target: unknown, ...rest: unknown[]) => {
      const callback = rest.at(-1) as (error: Error | null) => void;
      if (String(target).startsWith(`${root}${path.sep}`)) process.nextTick(() => callback(errno(code)));
      else callbackOpen.call(fsCallbacks, target, ...rest);
    }) as never);
  }
  const original = fs[method] as (...args: unknown[]) => Promise<unknown>;
  vi.spyOn(fs, method).mockImplementation(((target: unknown, ...rest: unknown[]) =>
    String(target).startsWith(`${root}${path.sep}`) ? Promise.reject(errno(code)) : original.call(fs, target, ...rest)) as never);
}

describe.each([
  ["with the /proc descriptor check", true],
  ["without /proc (realpath, then O_NOFOLLOW)", false],
])("local storage %s", (_label, procFds) => {
  const storage = () => createLocalStorage({ root }, procFds);

  it("serves a regular file, and reports where it really is", async () => {
    const file = await put("a/hello.txt", "hello");
    const opened = (await storage().open("a/hello.txt"))!;
    expect(opened.localPath).toBe(file);
    expect((await readAll(opened.stream())).bytes.toString()).toBe("hello");
  });

  it("returns null for a missing file, a missing folder, a file used as a folder, a directory and a dangling symlink", async () => {
    await put("file.txt", "x");
    await fs.mkdir(path.join(root, "dir"));
    await fs.symlink(path.join(root, "nowhere"), path.join(root, "dangling"));
    const s = storage();
    expect(await s.open("missing.txt")).toBeNull();
    expect(await s.open("no/such/folder.txt")).toBeNull();
    expect(await s.open("file.txt/inner")).toBeNull();
    expect(await s.open("dir")).toBeNull();
    expect(await s.open("dangling")).toBeNull();
  });

  it("returns null for a symlink loop", async () => {
    await fs.symlink(path.join(root, "b"), path.join(root, "a"));
    await fs.symlink(path.join(root, "a"), path.join(root, "b"));
    expect(await storage().open("a")).toBeNull();
  });

  it("serves a symlink that stays inside the root, as the file it points at", async () => {
    const real = await put("real.txt", "inside");
    await fs.symlink(real, path.join(root, "link.txt"));
    const opened = (await storage().open("link.txt"))!;
    expect(opened.localPath).toBe(real);
    expect((await readAll(opened.stream())).bytes.toString()).toBe("inside");
  });

  it("refuses a symlink to a file outside the root, and a path through a symlinked folder outside it", async () => {
    await fs.writeFile(path.join(tmp, "secret.txt"), "top secret");
    await fs.symlink(path.join(tmp, "secret.txt"), path.join(root, "innocent.txt"));
    await fs.mkdir(path.join(tmp, "outside"));
    await fs.writeFile(path.join(tmp, "outside", "secret.txt"), "top secret");
    await fs.symlink(path.join(tmp, "outside"), path.join(root, "linked"));
    const s = storage();
    await expect(s.open("innocent.txt")).rejects.toBeInstanceOf(UnsafeStoredPathError);
    await expect(s.open("innocent.txt")).rejects.toThrow("resolves outside the storage root");
    await expect(s.open("linked/secret.txt")).rejects.toBeInstanceOf(UnsafeStoredPathError);
  });

  it("serves files when the root itself is reached through a symlink (judged against the real root)", async () => {
    await put("f.txt", "via alias");
    await fs.symlink(root, path.join(tmp, "alias"));
    expect(await text(createLocalStorage({ root: path.join(tmp, "alias") }, procFds), "f.txt")).toBe("via alias");
  });

  it.each(["ENOENT", "ENOTDIR", "ELOOP", "EISDIR"])("counts %s from open as a missing file: null", async (code) => {
    await put("f.txt", "x");
    failUnderRoot("open", code);
    expect(await storage().open("f.txt")).toBeNull();
  });

  it.each(["EIO", "EACCES", "EMFILE", "EPERM"])("throws %s from open: a failing disk is not a missing file", async (code) => {
    await put("f.txt", "x");
    failUnderRoot("open", code);
    await expect(storage().open("f.txt")).rejects.toMatchObject({ code });
  });

  it("closes the descriptor when the opened file is refused", async () => {
    await fs.writeFile(path.join(tmp, "secret.txt"), "top secret");
    await fs.symlink(path.join(tmp, "secret.txt"), path.join(root, "innocent.txt"));
    const s = storage();
    await expect(s.open("innocent.txt")).rejects.toBeInstanceOf(UnsafeStoredPathError);
    expect(await openDescriptorsOn(path.join(tmp, "secret.txt"))).toBe(0);
  });
});

/** Open descriptors of this process on `file`. */
async function openDescriptorsOn(file: string): Promise<number> {
  let count = 0;
  for (const fd of await fs.readdir("/proc/self/fd")) {
    if ((await fs.readlink(`/proc/self/fd/${fd}`).catch(() => "")) === file) count++;
  }
  return count;
}

describe("local storage without /proc", () => {
  const storage = () => createLocalStorage({ root }, false);

  it("opens what realpath judged with O_NOFOLLOW: a symlink swapped in after the check is refused, not followed", async () => {
    const file = await put("swap.txt", "the stored file");
    await fs.writeFile(path.join(tmp, "secret.txt"), "top secret");
    const realpath = fs.realpath.bind(fs);
    // Between the check and the open, an attacker replaces the file with a symlink out
    // of the root. Following it would serve the secret under a path judged inside.
    vi.spyOn(fs, "realpath").mockImplementation((async (target: string) => {
      const real = await realpath(target);
      if (real === file) {
        await fs.rm(file);
        await fs.symlink(path.join(tmp, "secret.txt"), file);
      }
      return real;
    }) as never);
    expect(await storage().open("swap.txt")).toBeNull();
  });

  it.each(["EIO", "EACCES"])("throws %s from realpath instead of calling the file missing", async (code) => {
    await put("f.txt", "x");
    failUnderRoot("realpath", code);
    await expect(storage().open("f.txt")).rejects.toMatchObject({ code });
  });

  it.each(["ENOENT", "ENOTDIR", "ELOOP"])("counts %s from realpath as a missing file", async (code) => {
    await put("f.txt", "x");
    failUnderRoot("realpath", code);
    expect(await storage().open("f.txt")).toBeNull();
  });

  it("judges the whole path, not its last segment alone", async () => {
    await fs.mkdir(path.join(tmp, "outside"));
    await fs.writeFile(path.join(tmp, "outside", "inner.txt"), "top secret");
    await fs.symlink(tmp, path.join(root, "up"));
    await expect(storage().open("up/outside/inner.txt")).rejects.toBeInstanceOf(UnsafeStoredPathError);
  });
});

describe("the file route over local storage", () => {
  type Doc = { id: number; file: string };
  const records = new Map<number, Doc>([
    [1, { id: 1, file: "f.txt" }],
    [2, { id: 2, file: "gone.txt" }],
  ]);
  const logger = { warn: () => undefined, error: () => undefined };
  const route = () => {
    const docs = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) ?? null }).fields({ file: { condition: anyone } });
    return createPrivateFileRoute(definePrivateFiles({ models: { docs }, getSession: async () => null, storage: localFileStorage({ root }), logger }));
  };
  const get = (url: string) => route().GET(new Request(`http://localhost${url}`));

  it("answers 503 with Retry-After, not 404, when the disk fails (EIO, EACCES)", async () => {
    await put("f.txt", "x");
    for (const code of ["EIO", "EACCES"]) {
      vi.restoreAllMocks();
      failUnderRoot("open", code);
      const response = await get("/files/docs/file/1/f.txt");
      expect(response.status, code).toBe(503);
      expect(response.headers.get("retry-after")).not.toBeNull();
    }
  });

  it("answers 404 for a missing file, and 200 once the disk is fine", async () => {
    await put("f.txt", "x");
    expect((await get("/files/docs/file/2/gone.txt")).status).toBe(404);
    const ok = await get("/files/docs/file/1/f.txt");
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("x");
  });
});

describe("local storage: the root, uploads and deletes", () => {
  it("the default root is PRIVATE_FILES_ROOT, trimmed, else data/files", () => {
    expect(defaultStorageRoot({ NODE_ENV: "test", PRIVATE_FILES_ROOT: " /srv/files " })).toBe("/srv/files");
    expect(defaultStorageRoot({ NODE_ENV: "test", PRIVATE_FILES_ROOT: "  " })).toBe(path.join("data", "files"));
    expect(defaultStorageRoot({ NODE_ENV: "test" })).toBe(path.join("data", "files"));
  });

  it("tries to create the root again after a failure, instead of remembering it", async () => {
    const later = path.join(tmp, "later");
    await fs.writeFile(later, "a file where the root should be");
    const storage = createLocalStorage({ root: later }, true);
    await expect(storage.open("x.txt")).rejects.toMatchObject({ code: expect.stringMatching(/^(EEXIST|ENOTDIR)$/) });
    await fs.rm(later);
    expect(await storage.open("x.txt")).toBeNull();
    expect((await fs.stat(later)).isDirectory()).toBe(true);
  });

  it("reports the real path of a file in a folder whose name contains \" (deleted)\"", async () => {
    const file = await put("a (deleted)b/f.txt", "x");
    const opened = (await createLocalStorage({ root }, true).open("a (deleted)b/f.txt"))!;
    await opened.close();
    expect(opened.localPath).toBe(file);
  });

  it("names an upload folder outside the root as such", async () => {
    await fs.mkdir(path.join(tmp, "outside"));
    await fs.symlink(path.join(tmp, "outside"), path.join(root, "sneaky"));
    const saving = localFileStorage({ root }).save(new Blob(["x"]).stream(), { folder: "sneaky", extension: "", maxBytes: 10 });
    await expect(saving).rejects.toThrow("upload folder resolves outside the storage root");
  });

  it("an upload whose temp file cannot be created fails with that error, and leaves nothing", async () => {
    failUnderRoot("open", "EACCES");
    const saving = localFileStorage({ root }).save(new Blob(["x"]).stream(), { folder: "up", extension: ".txt", maxBytes: 10 });
    await expect(saving).rejects.toMatchObject({ code: "EACCES" });
    expect(await fs.readdir(path.join(root, "up"))).toEqual([]);
  });

  it("delete throws a file system failure instead of calling the file gone, and names an escape", async () => {
    await put("d/f.txt", "keep");
    failUnderRoot("realpath", "EIO");
    await expect(localFileStorage({ root }).delete("d/f.txt")).rejects.toMatchObject({ code: "EIO" });
    vi.restoreAllMocks();
    expect(await fs.readFile(path.join(root, "d/f.txt"), "utf8")).toBe("keep");
    await fs.symlink(tmp, path.join(root, "up"));
    await expect(localFileStorage({ root }).delete("up/x.txt")).rejects.toThrow("resolves outside the storage root");
  });
});
