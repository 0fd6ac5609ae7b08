import { describe, expect, it } from "vitest";
import { createSessionCheck, DEFAULT_SESSION_CHECK_TTL_MS, sessionCheckTtl, type SessionState } from "@/lib/auth/session-check";

function setup(ttlMs = 1000) {
  let clock = 0;
  const rows = new Map<number, SessionState>([[1, { sessionVersion: 0, isStaff: false }]]);
  let loads = 0;
  let failing = false;
  const check = createSessionCheck({
    ttlMs,
    now: () => clock,
    load: async (id) => {
      loads++;
      if (failing) throw new Error("database down");
      const row = rows.get(id);
      return row ? { ...row } : null;
    },
  });
  return {
    check,
    rows,
    loads: () => loads,
    advance: (ms: number) => (clock += ms),
    fail: (value: boolean) => (failing = value),
  };
}

describe("session check", () => {
  it("defaults to a TTL of at most 60 s, and takes no longer one from the environment", () => {
    expect(DEFAULT_SESSION_CHECK_TTL_MS).toBeLessThanOrEqual(60_000);
    expect(sessionCheckTtl(undefined)).toBe(DEFAULT_SESSION_CHECK_TTL_MS);
    expect(sessionCheckTtl("garbage")).toBe(DEFAULT_SESSION_CHECK_TTL_MS);
    expect(sessionCheckTtl("-5")).toBe(DEFAULT_SESSION_CHECK_TTL_MS);
    expect(sessionCheckTtl("1000")).toBe(1000);
    expect(sessionCheckTtl("0")).toBe(0);
    expect(sessionCheckTtl("3600000")).toBe(60_000);
  });

  it("accepts the current version, refuses an older one, and a user who is gone", async () => {
    const { check, rows } = setup();
    expect(await check.check(1, 0)).toEqual({ sessionVersion: 0, isStaff: false });
    rows.set(1, { sessionVersion: 1, isStaff: false });
    check.forget(1);
    expect(await check.check(1, 0)).toBeNull();
    expect(await check.check(2, 0)).toBeNull();
  });

  it("caches a user for the TTL only: a sign-out or staff change elsewhere shows after it", async () => {
    const { check, rows, loads, advance } = setup(1000);
    await check.check(1, 0);
    rows.set(1, { sessionVersion: 1, isStaff: true });
    advance(999);
    expect(await check.check(1, 0)).toEqual({ sessionVersion: 0, isStaff: false });
    expect(loads()).toBe(1);
    advance(1);
    expect(await check.check(1, 0)).toBeNull();
    expect(await check.check(1, 1)).toEqual({ sessionVersion: 1, isStaff: true });
    expect(loads()).toBe(2);
  });

  it("looks again at once for a token newer than the cached row (signed in again after a sign-out elsewhere)", async () => {
    const { check, rows, loads } = setup(60_000);
    await check.check(1, 0);
    rows.set(1, { sessionVersion: 1, isStaff: false });
    expect(await check.check(1, 1)).toEqual({ sessionVersion: 1, isStaff: false });
    expect(loads()).toBe(2);
    // a forged higher version costs one lookup per request, and is refused
    expect(await check.check(1, 7)).toBeNull();
  });

  it("shares one lookup among concurrent requests, and does not cache a failed one", async () => {
    const { check, loads, fail } = setup();
    await Promise.all([check.check(1, 0), check.check(1, 0), check.check(1, 0)]);
    expect(loads()).toBe(1);
    check.forget(1);
    fail(true);
    await expect(check.check(1, 0)).rejects.toThrow("database down");
    fail(false);
    expect(await check.check(1, 0)).not.toBeNull();
  });

  it("when the database fails, uses a row fetched less than 60 s ago, never an older one", async () => {
    const { check, advance, fail, loads } = setup(1000);
    expect(await check.check(1, 0)).not.toBeNull();
    advance(30_000);
    fail(true);
    expect(await check.check(1, 0)).toEqual({ sessionVersion: 0, isStaff: false });
    // not cached: every request asks the database again while it is down
    await check.check(1, 0);
    expect(loads()).toBe(3);
    advance(30_000);
    await expect(check.check(1, 0)).rejects.toThrow("database down");
    // a sign-out here drops the fallback too
    fail(false);
    await check.check(1, 0);
    check.forget(1);
    fail(true);
    await expect(check.check(1, 0)).rejects.toThrow("database down");
  });

  it("keeps at most maxEntries users", async () => {
    let loads = 0;
    const check = createSessionCheck({ ttlMs: 60_000, maxEntries: 2, load: async () => (loads++, { sessionVersion: 0, isStaff: false }) });
    for (const id of [1, 2, 3, 1]) await check.check(id, 0);
    expect(loads).toBe(4);
  });
});
