import { inject } from "vitest";

export type DatabaseKind = "sqlite" | "postgres";

// What global-setup.ts (and vitest.config.mts) hand to every integration test file.
declare module "vitest" {
  export interface ProvidedContext {
    /** Which database this project runs against (vitest.config.mts). */
    databaseKind: DatabaseKind;
    baseUrl: string;
    /** The server's DATABASE_URL. */
    databaseUrl: string;
    /** SQLite: the database file; PostgreSQL: "". */
    databasePath: string;
    /** PostgreSQL: the server's data directory (to stop and start it); SQLite: "". */
    postgresDataDir: string;
    storageRoot: string;
    serverPid: number;
    maxUploadBytes: number;
    workDir: string;
  }
}

export const databaseKind = () => inject("databaseKind");
export const baseUrl = () => inject("baseUrl");
export const databaseUrl = () => inject("databaseUrl");
export const databasePath = () => inject("databasePath");
export const postgresDataDir = () => inject("postgresDataDir");
export const storageRoot = () => inject("storageRoot");
export const serverPid = () => inject("serverPid");
export const maxUploadBytes = () => inject("maxUploadBytes");
export const workDir = () => inject("workDir");
