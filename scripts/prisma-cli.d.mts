import type { SpawnSyncOptions, SpawnSyncReturns } from "node:child_process";

/** The repository root. */
export const root: string;
/** Both schemas, with the URL each generate run is given. */
export const SCHEMAS: readonly { schema: string; url: string }[];
/** A Prisma 7 schema as Prisma 6.19 reads it (the datasource URL added). */
export function toPrisma6Schema(text: string): string;
/** Writes the 6.19 copy of a schema beside it; returns its path. */
export function prisma6SchemaFile(schema: string): string;
/** `prisma generate` (Prisma 7) of one schema. */
export function generateClient(schema: string, url: string, options?: Omit<SpawnSyncOptions, "env"> & { env?: Record<string, string> }): SpawnSyncReturns<string>;
/** `prisma generate` (Prisma 7) of both schemas; the exit status. */
export function generateClients(): number;
/** Runs Prisma 6.19's CLI on the 6.19 copy of the schema (see prisma-cli.mjs). */
export function prisma6(args: readonly string[], options?: Omit<SpawnSyncOptions, "env"> & { env?: Record<string, string> }): SpawnSyncReturns<string>;
