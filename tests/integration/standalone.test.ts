import type { ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { databaseUrl, storageRoot, workDir } from "./support/context";
import { deleteRow, insertSubmission, randomData, sha256, writeStored } from "./support/fixtures";
import { freePort, ROOT, serverEnv, startStandalone, stopServer } from "./support/server";
import { signInAt } from "./support/sign-in";
import { DATA_DIR, PRIVATE_DATA, walk } from "./support/standalone";

// Issue 12, item 1: `next build` with `output: "standalone"` (the shared test build is one,
// global-setup.ts) must not carry the demo's private data into the output a Docker image
// is made of, and the standalone server must still serve files.

const NEXT_DIR = path.join(ROOT, ".next");
const STANDALONE = path.join(NEXT_DIR, "standalone");
const inside = (dir: string, file: string) => {
  const relative = path.relative(dir, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
};

describe("the standalone build", () => {
  beforeAll(() => {
    if (!fs.existsSync(path.join(STANDALONE, "server.js"))) {
      throw new Error("no .next/standalone/server.js: the test build is made with PRIVATE_FILES_STANDALONE=1 (run without PRIVATE_FILES_TEST_REUSE_BUILD)");
    }
    // The build ran with these present (global-setup.ts plants them), so their absence below means something.
    for (const relative of PRIVATE_DATA) expect(fs.existsSync(path.join(ROOT, relative)), relative).toBe(true);
  });

  it("traces no file of the data directory or the storage root into any .nft.json", () => {
    const traces = walk(NEXT_DIR).filter((file) => file.endsWith(".nft.json"));
    expect(traces.length).toBeGreaterThan(5);
    const offending: string[] = [];
    for (const trace of traces) {
      const { files } = JSON.parse(fs.readFileSync(trace, "utf8")) as { files: string[] };
      for (const file of files) {
        const absolute = path.resolve(path.dirname(trace), file);
        if (inside(DATA_DIR, absolute) || inside(storageRoot(), absolute)) offending.push(`${path.relative(ROOT, trace)}: ${file}`);
      }
    }
    expect(offending).toEqual([]);
  });

  it("carries no database, stored file or secret in .next/standalone", () => {
    const shipped = walk(STANDALONE).map((file) => path.relative(STANDALONE, file));
    expect(shipped).toContain("server.js");
    const leaked = shipped.filter((file) => file === "data" || file.startsWith(`data${path.sep}`) || PRIVATE_DATA.some((p) => file.endsWith(path.basename(p))));
    expect(leaked).toEqual([]);
    expect(fs.existsSync(path.join(STANDALONE, "data"))).toBe(false);
  });

  describe("node .next/standalone/server.js", () => {
    let server: ChildProcess | undefined;
    let base = "";
    let fixture = 0;
    const bytes = randomData(300_000);

    beforeAll(async () => {
      const port = await freePort();
      base = `http://127.0.0.1:${port}`;
      // The database and the storage root by environment, as in a container: the shared
      // test server's (migrated and seeded by global-setup.ts), given as absolute paths.
      server = await startStandalone(port, serverEnv(port, databaseUrl(), storageRoot()), path.join(workDir(), "standalone.log"));
      const stored = await writeStored(`submissions/standalone-${Date.now()}.bin`, bytes);
      fixture = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: "standalone.bin", fileSize: bytes.length });
    });

    afterAll(async () => {
      if (server) await stopServer(server);
      if (fixture) await deleteRow("FileSubmission", fixture);
    });

    it("signs in and downloads a file, byte for byte", async () => {
      const alice = await signInAt(base, "alice@example.com");
      const response = await fetch(`${base}/files/FileSubmission/file/${fixture}/standalone.bin`, { headers: { Cookie: alice.header } });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-length")).toBe(String(bytes.length));
      expect(sha256(new Uint8Array(await response.arrayBuffer()))).toBe(sha256(bytes));
      // And refuses it to someone else.
      const bob = await signInAt(base, "bob@example.com");
      expect((await fetch(`${base}/files/FileSubmission/file/${fixture}/standalone.bin`, { headers: { Cookie: bob.header } })).status).toBe(403);
    });
  });
});
