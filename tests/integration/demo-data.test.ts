import fs from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { baseUrl, databaseUrl, storageRoot } from "./support/context";
import { count, users } from "./support/fixtures";
import { bin, runOrThrow, serverEnv } from "./support/server";
import { signIn } from "./support/session";

// The demo contract beyond HTTP: what the seed leaves behind and how sign-in treats passwords.

async function storedFileCount(): Promise<number> {
  const entries = await fs.readdir(storageRoot(), { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).length;
}

describe("the demo seed", () => {
  it("creates alice, bob and staff with hashed passwords", async () => {
    const seeded = (await users()).filter((u) => ["alice@example.com", "bob@example.com", "staff@example.com"].includes(u.email));
    expect(seeded.map((u) => [u.email, u.isStaff])).toEqual([
      ["alice@example.com", false],
      ["bob@example.com", false],
      ["staff@example.com", true],
    ]);
    for (const user of seeded) {
      // scrypt (lib/auth/password.ts): N, r, p, salt and hash, base64
      expect(user.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
      expect(user.passwordHash).not.toContain("demo-password");
    }
  });

  it("is idempotent: a second run adds no row and no file", async () => {
    const before = {
      users: (await users()).length,
      rows: [await count("FileSubmission"), await count("CountedDownload"), await count("SharedImage")],
      files: await storedFileCount(),
    };
    const port = Number(new URL(baseUrl()).port);
    runOrThrow(bin("tsx"), ["scripts/seed.ts"], serverEnv(port, databaseUrl(), storageRoot()));
    expect((await users()).length).toBe(before.users);
    expect([await count("FileSubmission"), await count("CountedDownload"), await count("SharedImage")]).toEqual(before.rows);
    expect(await storedFileCount()).toBe(before.files);
  });
});

describe("sign-in", () => {
  it("gives no session for a wrong password or an unknown user", async () => {
    await expect(signIn("alice@example.com", "wrong-password")).rejects.toThrow(/sign-in as alice@example.com failed/);
    await expect(signIn("nobody@example.com")).rejects.toThrow(/failed/);
  });

  it("gives a session with the user's id and staff flag", async () => {
    const jar = await signIn("staff@example.com");
    const session = (await (await fetch(`${baseUrl()}/api/auth/session`, { headers: { Cookie: jar.header } })).json()) as {
      user: { email: string; id: string; isStaff: boolean };
    };
    expect(session.user.email).toBe("staff@example.com");
    expect(session.user.isStaff).toBe(true);
    expect(session.user.id).toMatch(/^\d+$/);
  });
});
