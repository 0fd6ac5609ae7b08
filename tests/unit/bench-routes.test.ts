import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BENCH_DIR, BENCH_FLAG, emptyRoute, naiveRoute } from "@/lib/bench/routes";

// The benchmark's baseline routes (app/bench/…) must never serve anything unless the
// bench started the server: PRIVATE_FILES_BENCH=1 and an absolute PRIVATE_FILES_BENCH_DIR.

let dir: string;
const naive = (name: string) => naiveRoute(new Request(`http://localhost/bench/naive/${name}`), { params: Promise.resolve({ name }) });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-routes-"));
  fs.writeFileSync(path.join(dir, "small.bin"), "bench bytes");
  fs.writeFileSync(path.join(dir, ".hidden"), "hidden");
  return () => fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => vi.unstubAllEnvs());

describe("without PRIVATE_FILES_BENCH=1 (production)", () => {
  it("every bench route answers 404, even with a bench directory set", async () => {
    vi.stubEnv(BENCH_FLAG, undefined);
    vi.stubEnv(BENCH_DIR, dir);
    expect(emptyRoute().status).toBe(404);
    expect((await naive("small.bin")).status).toBe(404);
    vi.stubEnv(BENCH_FLAG, "true");
    expect(emptyRoute().status).toBe(404);
    expect((await naive("small.bin")).status).toBe(404);
  });

  it("answers 404 with the flag but no absolute bench directory", async () => {
    vi.stubEnv(BENCH_FLAG, "1");
    vi.stubEnv(BENCH_DIR, undefined);
    expect(emptyRoute().status).toBe(404);
    expect((await naive("small.bin")).status).toBe(404);
    vi.stubEnv(BENCH_DIR, "relative/dir");
    expect((await naive("small.bin")).status).toBe(404);
  });
});

describe("started by the bench", () => {
  it("serves 4 KiB from memory, and plain names inside the bench directory only", async () => {
    vi.stubEnv(BENCH_FLAG, "1");
    vi.stubEnv(BENCH_DIR, dir);
    const empty = emptyRoute();
    expect(empty.status).toBe(200);
    expect((await empty.arrayBuffer()).byteLength).toBe(4096);
    const file = await naive("small.bin");
    expect(file.status).toBe(200);
    expect(await file.text()).toBe("bench bytes");
    for (const name of ["..", ".hidden", "../etc/passwd", "missing.bin", "a/b"]) expect((await naive(name)).status).toBe(404);
  });
});
