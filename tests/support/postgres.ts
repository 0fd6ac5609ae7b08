import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { freePort } from "./free-port";
import path from "node:path";

// A throw-away PostgreSQL server for the tests (the integration tests' database, the
// link-store contract runs on PostgreSQL in tests/kit and tests/unit): `initdb` into a temp
// directory, listening on 127.0.0.1 on a free port only (and a Unix socket inside
// that directory), started and stopped with `pg_ctl`. As root (CI), every
// PostgreSQL command runs as the `postgres` user through runuser, since the server
// refuses to run as root; otherwise as the current user.


/** Where initdb, pg_ctl and postgres live: POSTGRES_BIN, else Debian's PostgreSQL 15. */
export function postgresBin(): string {
  return process.env.POSTGRES_BIN || "/usr/lib/postgresql/15/bin";
}

export interface PostgresServer {
  /** `postgresql://postgres@127.0.0.1:<port>/<database>` */
  readonly url: string;
  readonly dataDir: string;
  readonly port: number;
}

function asPostgres(command: string, args: string[]): { status: number | null; output: string } {
  const bin = path.join(postgresBin(), command);
  const [file, argv] = process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", bin, ...args]] : [bin, args];
  const result = spawnSync(file, argv, { encoding: "utf8", cwd: "/" });
  return { status: result.status, output: `${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}` };
}

function asPostgresOrThrow(command: string, args: string[]): void {
  const result = asPostgres(command, args);
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.status}):\n${result.output}`);
}

/** Stops the server fast (open transactions are rolled back, clients disconnected) and waits for it. */
export function stopPostgres(dataDir: string): void {
  asPostgresOrThrow("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
}

/** Starts the server of `dataDir` again and waits until it accepts connections. */
export function startPostgres(dataDir: string): void {
  asPostgresOrThrow("pg_ctl", ["-D", dataDir, "-l", path.join(dataDir, "server.log"), "-w", "-t", "60", "start"]);
}

/** The postmaster's pid, from postmaster.pid; null when the server is not running. */
function postmasterPid(dataDir: string): number | null {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/**
 * Creates and starts a fresh server with one database, `app`. Call `remove()`
 * at the end: it stops the server and deletes its files. When the test run itself
 * dies first, an exit hook still asks the postmaster to shut down.
 */
export async function createPostgres(): Promise<PostgresServer & { remove(): Promise<void> }> {
  if (!fs.existsSync(path.join(postgresBin(), "initdb"))) {
    throw new Error(`no PostgreSQL in ${postgresBin()} (apt-get install postgresql-15, or set POSTGRES_BIN)`);
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "private-files-pg-"));
  if (process.getuid?.() === 0) spawnSync("chown", ["postgres:postgres", dataDir]);
  const port = await freePort();

  asPostgresOrThrow("initdb", ["-D", dataDir, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]);
  // Loopback only, its own socket directory, and no durability: a test server.
  fs.appendFileSync(
    path.join(dataDir, "postgresql.conf"),
    [
      "",
      "listen_addresses = '127.0.0.1'",
      `port = ${port}`,
      `unix_socket_directories = '${dataDir}'`,
      "fsync = off",
      "synchronous_commit = off",
      "full_page_writes = off",
      "max_connections = 100",
      "timezone = 'UTC'",
      "",
    ].join("\n"),
  );
  startPostgres(dataDir);
  const stopOnExit = () => {
    const pid = postmasterPid(dataDir);
    if (pid !== null) {
      try {
        process.kill(pid, "SIGINT"); // fast shutdown
      } catch {
        // already gone
      }
    }
  };
  process.once("exit", stopOnExit);

  const createdb = asPostgres("psql", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE app"]);
  if (createdb.status !== 0) {
    stopOnExit();
    throw new Error(`CREATE DATABASE failed:\n${createdb.output}`);
  }

  return {
    url: `postgresql://postgres@127.0.0.1:${port}/app`,
    dataDir,
    port,
    async remove() {
      process.off("exit", stopOnExit);
      if (postmasterPid(dataDir) !== null) {
        const stopped = asPostgres("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "-t", "30", "stop"]);
        if (stopped.status !== 0) stopOnExit();
      }
      if (process.env.PRIVATE_FILES_TEST_KEEP === "1") console.log(`kept ${dataDir}`);
      else fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
