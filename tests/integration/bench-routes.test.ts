import { describe, expect, it } from "vitest";
import { get } from "./support/session";

// The benchmark's baseline routes are in every build (app/bench/…), but a server started
// without PRIVATE_FILES_BENCH=1, like this one and any production server, answers 404.
describe("bench baseline routes without PRIVATE_FILES_BENCH", () => {
  it.each(["/bench/empty", "/bench/naive/small.bin", "/bench/naive/package.json", "/bench/lookup/1", "/bench/params/1", "/bench/session/1", "/bench/find/1"])("GET %s is 404", async (pathname) => {
    const response = await get(pathname);
    expect(response.status).toBe(404);
    expect((await response.arrayBuffer()).byteLength).toBeLessThan(100);
  });
});
