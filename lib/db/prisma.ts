import { PrismaPg } from "@prisma/adapter-pg";
import { databaseUrl, ensureSqliteFolder, isPostgresUrl } from "./database-url";
import { PrismaClient } from "./generated/client";
import { sqliteAdapter } from "./sqlite-adapter";
import { PrismaClient as PostgresPrismaClient } from "./generated-postgres/client";

// One client per process: route bundles and hot reloads share it through globalThis.
const globalForPrisma = globalThis as typeof globalThis & { demoPrisma?: PrismaClient };

function createClient(): PrismaClient {
  const url = databaseUrl();
  if (isPostgresUrl(url)) {
    const adapter = new PrismaPg(
      {
        connectionString: url,
        // A server that is down or unreachable fails a query within seconds (the
        // route answers 503) instead of leaving it waiting for a connection.
        connectionTimeoutMillis: Number(process.env.POSTGRES_CONNECT_TIMEOUT_MS) || 3000,
        max: Number(process.env.POSTGRES_POOL_SIZE) || 10,
        idleTimeoutMillis: 30_000,
      },
      {
        // A connection the server dropped (a restart, a failover) leaves the pool;
        // the next query opens a new one. Log it instead of crashing the process.
        onPoolError: (error) => console.warn(`postgres: idle connection lost: ${error.message}`),
        onConnectionError: (error) => console.warn(`postgres: connection lost: ${error.message}`),
      },
    );
    // The one cast: the PostgreSQL client is generated from prisma/postgres/schema.prisma,
    // whose models are those of prisma/schema.prisma (tests/unit/postgres-schema.test.ts),
    // so both clients have the same model API; the app is typed against the SQLite one.
    return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  // timeout: a write waits for a lock instead of failing at once when another process
  // (a migration, a test fixture) holds it. better-sqlite3 waits synchronously, so
  // the whole server pauses meanwhile: keep it short. WAL mode: see sqlite-adapter.ts.
  ensureSqliteFolder(url);
  const timeout = Number(process.env.SQLITE_BUSY_TIMEOUT_MS) || 5000;
  // BETTER_SQLITE3_BINDING: the addon for another Node.js (see sqliteAdapter).
  return new PrismaClient({ adapter: sqliteAdapter(url, timeout, process.env.BETTER_SQLITE3_BINDING || undefined) });
}

export const prisma: PrismaClient = (globalForPrisma.demoPrisma ??= createClient());
