import { describe, expect, it } from "vitest";
import { groupCommit } from "@/lib/db/group-commit";

describe("groupCommit (the demo's batched counter and audit writes)", () => {
  it("writes the items of one event-loop turn together, per key, and resolves after the write", async () => {
    const flushed: [string, number[]][] = [];
    const write = groupCommit(
      (n: number) => (n % 2 === 0 ? "even" : "odd"),
      async (key, items) => {
        flushed.push([key, [...items]]);
      },
    );
    await Promise.all([1, 2, 3, 4, 5].map(write));
    expect(flushed).toEqual([
      ["odd", [1, 3, 5]],
      ["even", [2, 4]],
    ]);
    await write(7);
    expect(flushed.at(-1)).toEqual(["odd", [7]]);
  });

  it("a key whose flush throws fails its own callers only", async () => {
    const write = groupCommit(
      (n: number) => n,
      async (key) => {
        if (key === 2) throw new Error("row 2 is gone");
      },
    );
    const results = await Promise.allSettled([write(1), write(2), write(2), write(3)]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "rejected", "fulfilled"]);
  });

  it("a flush may fail single items", async () => {
    const write = groupCommit(
      () => "table",
      async (_key, items: readonly string[]) => items.map((item) => (item === "bad" ? new Error(`could not write ${item}`) : undefined)),
    );
    const results = await Promise.allSettled([write("a"), write("bad"), write("c")]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });

  it("nothing is written before the caller's turn ends, nothing is left pending after", async () => {
    let writes = 0;
    const write = groupCommit(
      () => 0,
      async () => {
        writes++;
      },
    );
    const first = write(1);
    expect(writes).toBe(0);
    await first;
    expect(writes).toBe(1);
    await new Promise((r) => setImmediate(r));
    expect(writes).toBe(1);
  });
});
