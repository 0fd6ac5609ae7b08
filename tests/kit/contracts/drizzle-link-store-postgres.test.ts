// drizzleLinkStore (next-private-files/drizzle) through the published LinkStore contract on
// PostgreSQL: a throw-away cluster on 127.0.0.1 (tests/support/postgres.ts) for this file,
// node-postgres with a pool (so the 50 concurrent consumes race on separate connections),
// the table made by the SQL the package ships (schema/drizzle/private-file-links.postgresql.sql).
import pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { drizzleLinkStore, privateFileLinksPg } from "next-private-files/drizzle";
import { runLinkStoreContract } from "next-private-files/testing";
import { createPostgres } from "../../support/postgres";
import { drizzleNodePostgres } from "../support/drizzle-drivers";
import { shippedSchema } from "../support/shipped-schema";

let server: Awaited<ReturnType<typeof createPostgres>> | undefined;
let pool: pg.Pool | undefined;

beforeAll(async () => {
  server = await createPostgres();
  pool = new pg.Pool({ connectionString: server.url, max: 20 });
  // An idle connection the server drops (the cluster stopping in afterAll, while a pooled
  // connection is still open) is an error event on the pool: without a listener, an
  // uncaught exception that fails the whole run after every case passed.
  pool.on("error", () => undefined);
  await pool.query(shippedSchema("drizzle/private-file-links.postgresql.sql"));
}, 120_000);

// Stops the cluster even when a case (or beforeAll, after the cluster started) failed.
afterAll(async () => {
  await pool?.end();
  await server?.remove();
}, 60_000);

runLinkStoreContract("drizzleLinkStore (PostgreSQL, node-postgres)", async () => {
  if (!pool) throw new Error("no PostgreSQL: beforeAll failed");
  await pool.query("DELETE FROM private_file_links");
  return { store: drizzleLinkStore({ db: drizzleNodePostgres(pool), table: privateFileLinksPg }) };
});
