import bcrypt from "bcryptjs";
import { describe, expect, it } from "vitest";
import { hashPassword, needsRehash, SCRYPT_PARAMS, verifyNobody, verifyPassword } from "@/lib/auth/password";
import { semaphore } from "@/lib/auth/semaphore";

describe("passwords", () => {
  it("hash with scrypt in a self-describing format, salted, and verify", async () => {
    const [one, two] = await Promise.all([hashPassword("correct horse"), hashPassword("correct horse")]);
    const { N, r, p } = SCRYPT_PARAMS;
    expect(one).toMatch(new RegExp(`^scrypt\\$${N}\\$${r}\\$${p}\\$[A-Za-z0-9+/=]{24}\\$[A-Za-z0-9+/=]{44}$`));
    expect(one).not.toBe(two);
    expect(await verifyPassword("correct horse", one)).toBe(true);
    expect(await verifyPassword("correct horse!", one)).toBe(false);
    expect(needsRehash(one)).toBe(false);
  });

  it("verify bcrypt hashes from before, and ask for them to be rehashed", async () => {
    const legacy = await bcrypt.hash("demo-password", 4);
    expect(await verifyPassword("demo-password", legacy)).toBe(true);
    expect(await verifyPassword("wrong", legacy)).toBe(false);
    expect(needsRehash(legacy)).toBe(true);
  });

  it("refuse a stored hash that is neither, or whose parameters are out of range", async () => {
    const good = await hashPassword("x");
    const [, , r, p, salt, key] = good.split("$");
    for (const bad of ["", "plain text", `scrypt$1000$${r}$${p}$${salt}$${key}`, `scrypt$${2 ** 24}$${r}$${p}$${salt}$${key}`, `scrypt$${SCRYPT_PARAMS.N}$${r}$${p}$$${key}`]) {
      expect(await verifyPassword("x", bad)).toBe(false);
      expect(needsRehash(bad)).toBe(true);
    }
    // older (weaker) parameters still verify, and are upgraded
    const weak = `scrypt$${2 ** 14}$8$1$${salt}$${key}`;
    expect(needsRehash(weak)).toBe(true);
  });

  it("check an unknown email against a dummy hash: false, and as slow as a real check", async () => {
    const real = await hashPassword("secret");
    expect(await verifyNobody("secret")).toBe(false);
    const time = async (check: () => Promise<unknown>) => {
      const started = performance.now();
      await check();
      return performance.now() - started;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await time(() => verifyPassword("wrong", real)));
      unknown.push(await time(() => verifyNobody("wrong")));
    }
    const median = (values: number[]) => values.sort((a, b) => a - b)[1]!;
    expect(median(unknown)).toBeGreaterThan(median(known) / 2.5);
    expect(median(unknown)).toBeLessThan(median(known) * 2.5);
  });
});

describe("semaphore", () => {
  it("runs at most n tasks at once, in order, and frees a slot when a task fails", async () => {
    const run = semaphore(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const task = (i: number) =>
      run(async () => {
        running++;
        most = Math.max(most, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running--;
        order.push(i);
        if (i === 1) throw new Error("fails");
        return i;
      });
    const results = await Promise.allSettled([0, 1, 2, 3, 4].map(task));
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
    expect(results.map((result) => result.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled"]);
  });
});
