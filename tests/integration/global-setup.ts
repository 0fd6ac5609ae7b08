import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import type { DatabaseKind } from "./support/context";
import { createPostgres } from "./support/postgres";
import { bin, freePort, MAX_UPLOAD_BYTES, ROOT, runOrThrow, serverEnv, startNext, stopServer } from "./support/server";
import { plantPrivateData } from "./support/standalone";

/**
 * Builds the app once (`next build`, with `output: "standalone"`, so standalone.test.ts
 * can check what a Docker image would carry; `next start` serves that build as usual), then starts it with `next start` on a free
 * loopback port against a fresh database and storage directory, migrated and
 * seeded the way `npm run demo` does. The database is the project's
 * (vitest.config.mts): a SQLite file, or a PostgreSQL server started here
 * (support/postgres.ts). Everything is stopped and removed afterwards.
 */
export default async function setup(project: TestProject) {
  const kind = (project.config.provide?.databaseKind ?? "sqlite") as DatabaseKind;
  const workDir = await fs.mkdtemp(path.join(os.tmpdir(), `private-files-it-${kind}-`));
  const storageRoot = path.join(workDir, "files");
  const port = await freePort();

  // Both projects' setups run in this one process, one after the other: the first builds.
  const built = globalThis as typeof globalThis & { privateFilesBuilt?: boolean };
  if (!built.privateFilesBuilt) {
    // PRIVATE_FILES_TEST_REUSE_BUILD=1 skips the build when iterating locally; CI always builds.
    if (process.env.PRIVATE_FILES_TEST_REUSE_BUILD !== "1" || !(await exists(path.join(ROOT, ".next", "BUILD_ID")))) {
      // Private data where the demo keeps it, so that its absence from the output means something.
      plantPrivateData();
      // The demo uses the kit as an installed package: its dist, built fresh from src.
      runOrThrow(process.execPath, [path.join(ROOT, "lib/private-files/scripts/build.mjs")], process.env);
      runOrThrow(bin("next"), ["build"], { ...serverEnv(port, `file:${path.join(workDir, "build.db")}`, storageRoot), PRIVATE_FILES_STANDALONE: "1" });
    }
    built.privateFilesBuilt = true;
  }

  const postgres = kind === "postgres" ? await createPostgres() : null;
  const databasePath = postgres ? "" : path.join(workDir, "test.db");
  const databaseUrl = postgres ? postgres.url : `file:${databasePath}`;
  const env = serverEnv(port, databaseUrl, storageRoot);
  try {
    runOrThrow(bin("tsx"), ["scripts/migrate.ts"], env);
    runOrThrow(bin("tsx"), ["scripts/seed.ts"], env);
  } catch (error) {
    await postgres?.remove();
    throw error;
  }

  const server = await startNext(port, env, path.join(workDir, "server.log"));
  project.provide("baseUrl", `http://127.0.0.1:${port}`);
  project.provide("databaseUrl", databaseUrl);
  project.provide("databasePath", databasePath);
  project.provide("postgresDataDir", postgres?.dataDir ?? "");
  project.provide("storageRoot", storageRoot);
  project.provide("serverPid", server.pid ?? 0);
  project.provide("maxUploadBytes", MAX_UPLOAD_BYTES);
  project.provide("workDir", workDir);

  return async () => {
    await stopServer(server);
    await postgres?.remove();
    if (process.env.PRIVATE_FILES_TEST_KEEP === "1") console.log(`kept ${workDir}`);
    else await fs.rm(workDir, { recursive: true, force: true });
  };
}

const exists = (file: string) => fs.access(file).then(() => true, () => false);
