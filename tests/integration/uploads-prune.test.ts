// `npm run uploads:prune` against the running demo's database and storage: a resumable
// upload abandoned half way and past its expiry loses its bytes (the partial file and
// tus's .json beside it) and its PendingUpload row, so its reservation stops counting;
// an unexpired one is left alone.
import { execFile } from "node:child_process";
import fs from "node:fs";
import { promisify } from "node:util";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { MP4_HEAD, patternStream } from "../support/pattern";
import { tusCreate, tusOffset, tusPatch } from "../support/tus-client";
import { baseUrl, databaseUrl, storageRoot } from "./support/context";
import { dbTime, query } from "./support/fixtures";
import { bin, ROOT, serverEnv } from "./support/server";
import { signIn } from "./support/session";

const MiB = 1024 * 1024;

describe("npm run uploads:prune", () => {
  it("removes an expired half-finished resumable upload, bytes and row, and leaves an unexpired one", { timeout: 120_000 }, async () => {
    const bob = await signIn("bob@example.com");
    const headers = { Cookie: bob.header, Origin: baseUrl() };
    const begin = async (name: string) => {
      const created = await tusCreate(`${baseUrl()}/uploads`, headers, 4 * MiB, { model: "FileSubmission", field: "file", filename: name });
      expect(created.status, created.body).toBe(201);
      const cut = await tusPatch(created.url!, headers, 0, patternStream(0, 4 * MiB, MP4_HEAD), { cutAfter: 1 * MiB });
      expect(cut.cut).toBe(true);
      const id = new URL(created.url!).pathname.split("/").pop()!;
      const [row] = await query<{ key: string }>(`SELECT "key" FROM "PendingUpload" WHERE "id" = ?`, [id]);
      return { id, url: created.url!, file: path.join(storageRoot(), row!.key) };
    };
    const abandoned = await begin("abandoned.mp4");
    const current = await begin("current.mp4");
    expect(fs.existsSync(abandoned.file)).toBe(true);
    expect(fs.existsSync(`${abandoned.file}.json`)).toBe(true);
    await query(`UPDATE "PendingUpload" SET "expiresAt" = ? WHERE "id" = ?`, [dbTime(new Date(Date.now() - 60_000)), abandoned.id]);

    const { stdout } = await promisify(execFile)(bin("tsx"), ["scripts/prune-uploads.ts"], { cwd: ROOT, env: serverEnv(0, databaseUrl(), storageRoot()) });
    expect(stdout).toMatch(/removed 1 resumable and 0 direct/);

    expect(fs.existsSync(abandoned.file)).toBe(false);
    expect(fs.existsSync(`${abandoned.file}.json`)).toBe(false);
    expect(await query(`SELECT "id" FROM "PendingUpload" WHERE "id" = ?`, [abandoned.id])).toEqual([]);
    expect((await tusOffset(abandoned.url, headers)).status).toBe(404);
    // The unexpired upload is still there, and can go on.
    expect(fs.existsSync(current.file)).toBe(true);
    expect((await tusOffset(current.url, headers)).offset).toBeGreaterThan(0);
    await query(`DELETE FROM "PendingUpload" WHERE "id" = ?`, [current.id]);
    fs.rmSync(current.file, { force: true });
    fs.rmSync(`${current.file}.json`, { force: true });
  });
});
