import { internalsOf, type PrivateFiles } from "../config/define.js";
import type { AnyPrivateModel } from "../config/model.js";
import { misdirectedRequest } from "../http/allowed-host.js";
import { internalError, methodNotAllowed } from "../http/responses.js";
import { handleDownload } from "./handle-download.js";

export type RouteHandler = (request: Request) => Promise<Response>;

/** The exports of `app/files/[...path]/route.ts`. */
export interface PrivateFileRoute {
  GET: RouteHandler;
  HEAD: RouteHandler;
  POST: RouteHandler;
  PUT: RouteHandler;
  PATCH: RouteHandler;
  DELETE: RouteHandler;
  OPTIONS: RouteHandler;
}

/**
 * Builds the catch-all file route:
 * `export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createPrivateFileRoute(privateFiles);`
 */
export function createPrivateFileRoute<M extends Record<string, AnyPrivateModel>>(files: PrivateFiles<M>): PrivateFileRoute {
  const { config } = internalsOf(files);
  const download: RouteHandler = async (request) => {
    // Before anything else: a Host the app does not answer for is a rebound DNS name.
    if (!config.hostAllowed(request)) return misdirectedRequest();
    try {
      return await handleDownload(config, request);
    } catch (error) {
      config.logger.error("unexpected error in the file route", { error: String(error) });
      return internalError();
    }
  };
  const refuse: RouteHandler = async () => methodNotAllowed();
  return { GET: download, HEAD: download, POST: refuse, PUT: refuse, PATCH: refuse, DELETE: refuse, OPTIONS: refuse };
}
