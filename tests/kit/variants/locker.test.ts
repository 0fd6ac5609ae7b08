import { describe, expect, it } from "vitest";
import { inProcessVariantLocker, postgresVariantLocker, VariantLockTimeoutError, type AdvisoryLockClient, type AdvisoryLockPool } from "next-private-files";
import { TaskLimit } from "../../../lib/private-files/src/variants/limit";

// The lockers and the resize cap, each on its own. The PostgreSQL locker runs here
// against a pool that keeps advisory locks in a Map (this file tests its logic: retry,
// release, timeout); tests/integration/image-variants-two-instances.postgres.test.ts
// runs it on a real PostgreSQL across two app instances.

const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

describe("inProcessVariantLocker", () => {
  it("runs tasks of one key one at a time, in order, and tasks of other keys alongside", async () => {
    const locker = inProcessVariantLocker();
    const events: string[] = [];
    const task = (name: string, ms: number) => async () => {
      events.push(`start ${name}`);
      await tick(ms);
      events.push(`end ${name}`);
      return name;
    };
    const results = await Promise.all([locker.withLock("a", task("a1", 20)), locker.withLock("a", task("a2", 1)), locker.withLock("b", task("b1", 1))]);
    expect(results).toEqual(["a1", "a2", "b1"]);
    expect(events.indexOf("start a2")).toBeGreaterThan(events.indexOf("end a1"));
    expect(events.indexOf("end b1")).toBeLessThan(events.indexOf("end a1"));
  });

  it("a failing task rejects its caller only; the next one still runs", async () => {
    const locker = inProcessVariantLocker();
    const failing = locker.withLock("a", async () => {
      throw new Error("boom");
    });
    const next = locker.withLock("a", async () => "ran");
    await expect(failing).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ran");
  });
});

/** A pool whose connections share advisory locks held in a Map, like sessions of one server. */
function fakePool() {
  const holders = new Map<string, number>();
  let nextSession = 0;
  const stats = { connects: 0, released: 0, open: 0, tries: 0 };
  const pool: AdvisoryLockPool = {
    async connect() {
      const session = (nextSession += 1);
      stats.connects += 1;
      stats.open += 1;
      const client: AdvisoryLockClient = {
        async query(text, values) {
          const key = String(values?.[0]);
          if (text.includes("pg_try_advisory_lock")) {
            stats.tries += 1;
            const free = !holders.has(key) || holders.get(key) === session;
            if (free) holders.set(key, session);
            return { rows: [{ locked: free }] };
          }
          if (text.includes("pg_advisory_unlock")) {
            if (holders.get(key) === session) holders.delete(key);
            return { rows: [{ pg_advisory_unlock: true }] };
          }
          throw new Error(`unexpected ${text}`);
        },
        release() {
          stats.released += 1;
          stats.open -= 1;
        },
        on: () => client,
      };
      return client;
    },
  };
  return { pool, holders, stats };
}

describe("postgresVariantLocker", () => {
  it("two lockers on one pool (two instances) never run one key's tasks together; waiters retry without holding a connection", async () => {
    const { pool, holders, stats } = fakePool();
    const first = postgresVariantLocker(pool, { retryMs: 2 });
    const second = postgresVariantLocker(pool, { retryMs: 2 });
    let running = 0;
    let most = 0;
    const task = async () => {
      running += 1;
      most = Math.max(most, running);
      await tick(15);
      running -= 1;
    };
    await Promise.all([first.withLock("k", task), second.withLock("k", task), first.withLock("k", task), second.withLock("k", task)]);
    expect(most).toBe(1);
    expect(holders.size).toBe(0);
    expect(stats.open).toBe(0);
    expect(stats.tries).toBeGreaterThan(4);
  });

  it("gives up with VariantLockTimeoutError (503) past acquireLockTimeoutMs, leaving no connection out", async () => {
    const { pool, stats } = fakePool();
    const holder = postgresVariantLocker(pool);
    const waiter = postgresVariantLocker(pool, { acquireLockTimeoutMs: 30, retryMs: 5 });
    let release!: () => void;
    const held = holder.withLock("k", () => new Promise<void>((resolve) => (release = resolve)));
    await tick();
    const error = await waiter.withLock("k", async () => "never").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(VariantLockTimeoutError);
    expect((error as VariantLockTimeoutError).status).toBe(503);
    release();
    await held;
    expect(stats.open).toBe(0);
  });
});

describe("TaskLimit, the resize cap", () => {
  it("runs at most `slots` tasks at once and the rest in order as slots free", async () => {
    const limit = new TaskLimit(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 7 }, (_, i) =>
        limit.run(async () => {
          running += 1;
          most = Math.max(most, running);
          await tick(3);
          order.push(i);
          running -= 1;
        }),
      ),
    );
    expect(most).toBe(2);
    expect(order).toHaveLength(7);
    expect(limit.waiting).toBe(0);
  });

  it("frees the slot of a task that throws", async () => {
    const limit = new TaskLimit(1);
    await expect(limit.run(async () => Promise.reject(new Error("x")))).rejects.toThrow("x");
    await expect(limit.run(async () => "next")).resolves.toBe("next");
  });
});
