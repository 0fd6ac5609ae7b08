import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { bin, freePort, MAX_UPLOAD_BYTES, ROOT, runOrThrow, serverEnv, startNext, stopServer } from "./support/server";

/**
 * Builds the app once (`next build`), then starts it with `next start` on a free
 * loopback port against a fresh SQLite database and storage directory, migrated
 * and seeded the way `npm run demo` does. Everything is removed afterwards.
 */
export default async function setup(project: TestProject) {
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), "private-files-it-"));
  const databasePath = path.join(workDir, "test.db");
  const storageRoot = path.join(workDir, "files");
  const port = await freePort();
  const env = serverEnv(port, databasePath, storageRoot);

  // PRIVATE_FILES_TEST_REUSE_BUILD=1 skips the build when iterating locally; CI always builds.
  if (process.env.PRIVATE_FILES_TEST_REUSE_BUILD !== "1" || !(await exists(path.join(ROOT, ".next", "BUILD_ID")))) {
    runOrThrow(bin("next"), ["build"], env);
  }
  runOrThrow(bin("prisma"), ["migrate", "deploy"], env);
  runOrThrow(bin("tsx"), ["scripts/seed.ts"], env);

  const server = await startNext(port, env, path.join(workDir, "server.log"));
  project.provide("baseUrl", `http://127.0.0.1:${port}`);
  project.provide("databasePath", databasePath);
  project.provide("storageRoot", storageRoot);
  project.provide("serverPid", server.pid ?? 0);
  project.provide("maxUploadBytes", MAX_UPLOAD_BYTES);
  project.provide("workDir", workDir);

  return async () => {
    await stopServer(server);
    if (process.env.PRIVATE_FILES_TEST_KEEP === "1") console.log(`kept ${workDir}`);
    else await fs.rm(workDir, { recursive: true, force: true });
  };
}

const exists = (file: string) => fs.access(file).then(() => true, () => false);
