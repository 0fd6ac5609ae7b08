import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { encode } from "next-auth/jwt";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { BENCH_DIR, BENCH_FLAG, emptyRoute, floorStepsRoute, lookupRoute, naiveRoute } from "@/lib/bench/routes";

// No database here: the lookup route must refuse before it queries, so any query fails the test.
const findUnique = vi.hoisted(() =>
  vi.fn((_query: { where: { id: number } }): Promise<{ id: number } | null> => Promise.reject(new Error("the database was queried"))),
);
// The session check (lib/auth/session-check.ts) reads the user's row: user 1 exists, version 0.
vi.mock("@/lib/db/prisma", () => ({
  prisma: { countedDownload: { findUnique }, user: { findUnique: async () => ({ sessionVersion: 0, isStaff: false }) } },
}));

// The benchmark's baseline routes (app/bench/…) must never serve anything unless the
// bench started the server: PRIVATE_FILES_BENCH=1 and an absolute PRIVATE_FILES_BENCH_DIR.

let dir: string;
const lookup = (id: string, headers: Record<string, string> = {}) =>
  lookupRoute(new Request(`http://localhost/bench/lookup/${id}`, { headers }), { params: Promise.resolve({ id }) });
const naive = (name: string) => naiveRoute(new Request(`http://localhost/bench/naive/${name}`), { params: Promise.resolve({ name }) });

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-routes-"));
  fs.writeFileSync(path.join(dir, "small.bin"), "bench bytes");
  fs.writeFileSync(path.join(dir, ".hidden"), "hidden");
  return () => fs.rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.unstubAllEnvs();
  findUnique.mockClear();
});

describe("without PRIVATE_FILES_BENCH=1 (production)", () => {
  it("every bench route answers 404, even with a bench directory set", async () => {
    vi.stubEnv(BENCH_FLAG, undefined);
    vi.stubEnv(BENCH_DIR, dir);
    expect(emptyRoute().status).toBe(404);
    expect((await naive("small.bin")).status).toBe(404);
    expect((await lookup("1")).status).toBe(404);
    vi.stubEnv(BENCH_FLAG, "true");
    expect(emptyRoute().status).toBe(404);
    expect((await naive("small.bin")).status).toBe(404);
    expect((await lookup("1")).status).toBe(404);
    expect(findUnique).not.toHaveBeenCalled();
  });

  it("answers 404 with the flag but no absolute bench directory", async () => {
    vi.stubEnv(BENCH_FLAG, "1");
    vi.stubEnv(BENCH_DIR, undefined);
    expect(emptyRoute().status).toBe(404);
    expect((await naive("small.bin")).status).toBe(404);
    expect((await lookup("1")).status).toBe(404);
    vi.stubEnv(BENCH_DIR, "relative/dir");
    expect((await naive("small.bin")).status).toBe(404);
    expect((await lookup("1")).status).toBe(404);
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

  it("refuses a bad id (404) and a request without a session (401) before it queries the database", async () => {
    vi.stubEnv(BENCH_FLAG, "1");
    vi.stubEnv(BENCH_DIR, dir);
    vi.stubEnv("NEXTAUTH_SECRET", "bench-routes unit test secret");
    for (const id of ["0", "-1", "01", "1.5", "abc", "", "99999999999999999"]) expect((await lookup(id)).status).toBe(404);
    const anonymous = await lookup("1");
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toBe("Unauthorized\n");
    expect((await lookup("1", { Cookie: "next-auth.session-token=forged" })).status).toBe(401);
    expect(findUnique).not.toHaveBeenCalled();
  });

  it("with a session, loads the record by id and answers the same 4 KiB, or 404 when there is none", async () => {
    vi.stubEnv(BENCH_FLAG, "1");
    vi.stubEnv(BENCH_DIR, dir);
    vi.stubEnv("NEXTAUTH_SECRET", "bench-routes unit test secret");
    const token = await encode({ token: { email: "alice@example.com", uid: "1" }, secret: "bench-routes unit test secret" });
    const Cookie = `next-auth.session-token=${token}`;
    findUnique.mockImplementationOnce(() => Promise.resolve({ id: 7 }));
    const found = await lookup("7", { Cookie });
    expect(found.status).toBe(200);
    expect((await found.arrayBuffer()).byteLength).toBe(4096);
    expect(findUnique).toHaveBeenLastCalledWith({ where: { id: 7 } });
    findUnique.mockImplementationOnce(() => Promise.resolve(null));
    expect((await lookup("8", { Cookie })).status).toBe(404);
  });

  it("the floor's steps each do only their own part: the params alone, the session alone, the findUnique alone", async () => {
    vi.stubEnv(BENCH_FLAG, "1");
    vi.stubEnv(BENCH_DIR, dir);
    vi.stubEnv("NEXTAUTH_SECRET", "bench-routes unit test secret");
    const step = (steps: { session: boolean; find: boolean }, id: string, headers: Record<string, string> = {}) =>
      floorStepsRoute(steps)(new Request(`http://localhost/bench/x/${id}`, { headers }), { params: Promise.resolve({ id }) });
    const token = await encode({ token: { email: "alice@example.com", uid: "1" }, secret: "bench-routes unit test secret" });
    const Cookie = `next-auth.session-token=${token}`;
    // params: no session asked, no query made.
    const params = await step({ session: false, find: false }, "3");
    expect(params.status).toBe(200);
    expect((await params.arrayBuffer()).byteLength).toBe(4096);
    expect((await step({ session: false, find: false }, "abc")).status).toBe(404);
    // session: refuses without one, answers with one, and never queries.
    expect((await step({ session: true, find: false }, "3")).status).toBe(401);
    expect((await step({ session: true, find: false }, "3", { Cookie })).status).toBe(200);
    expect(findUnique).not.toHaveBeenCalled();
    // find: no session needed, the record looked up.
    findUnique.mockImplementationOnce(() => Promise.resolve({ id: 3 }));
    expect((await step({ session: false, find: true }, "3")).status).toBe(200);
    expect(findUnique).toHaveBeenLastCalledWith({ where: { id: 3 } });
    findUnique.mockImplementationOnce(() => Promise.resolve(null));
    expect((await step({ session: false, find: true }, "4")).status).toBe(404);
  });
});
