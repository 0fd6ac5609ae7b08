import { inject } from "vitest";

// What global-setup.ts hands to every integration test file.
declare module "vitest" {
  export interface ProvidedContext {
    baseUrl: string;
    databasePath: string;
    storageRoot: string;
    serverPid: number;
    maxUploadBytes: number;
    workDir: string;
  }
}

export const baseUrl = () => inject("baseUrl");
export const databasePath = () => inject("databasePath");
export const storageRoot = () => inject("storageRoot");
export const serverPid = () => inject("serverPid");
export const maxUploadBytes = () => inject("maxUploadBytes");
export const workDir = () => inject("workDir");
