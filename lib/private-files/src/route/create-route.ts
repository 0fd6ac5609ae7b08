import type { AnySession } from "../config/types.js";
import { internalsOf, type PrivateFiles } from "../config/define.js";
import type { AnyPrivateModel } from "../config/model.js";
import { misdirectedRequest } from "../http/allowed-host.js";
import { internalError, methodNotAllowed } from "../http/responses.js";
import { handleDownload } from "./handle-download.js";

/** One method's handler of the file route, as Next.js calls it. */
export type RouteHandler = (request: Request) => Promise<Response>;

/** The exports of `app/files/[...path]/route.ts`. */
export interface PrivateFileRoute {
  /** Downloads: authorization, hooks, `Range`, conditional requests. */
  GET: RouteHandler;
  /** GET's headers without the body (no `preDownload`). */
  HEAD: RouteHandler;
  /** 405, with `Allow: GET, HEAD`. */
  POST: RouteHandler;
  /** 405, with `Allow: GET, HEAD`. */
  PUT: RouteHandler;
  /** 405, with `Allow: GET, HEAD`. */
  PATCH: RouteHandler;
  /** 405, with `Allow: GET, HEAD`. */
  DELETE: RouteHandler;
  /** 405, with `Allow: GET, HEAD`. */
  OPTIONS: RouteHandler;
}

/**
 * Builds the catch-all route that serves every declared file: it parses
 * `/<basePath>/<model>/<field>/<id>/<name>`, loads the record, runs the field's condition
 * (or checks a `?token=` link), fires the hooks and answers with correct HTTP: 200/206
 * with `Range`, 304, 416, HEAD, 401/403/404 and 503 when the database or storage fails.
 * Mount it at `app/files/[...path]/route.ts` (or under your `basePath`). A `Host` not of
 * the `origins` option gets 421; other methods get 405.
 * @param files - What `definePrivateFiles` returned.
 * @throws {TypeError} when `files` is not a `definePrivateFiles()` result.
 * @example
 * ```ts
 * // app/files/[...path]/route.ts
 * import { createPrivateFileRoute, type PrivateFiles, type AnyPrivateModel } from "next-private-files";
 *
 * declare const privateFiles: PrivateFiles<Record<string, AnyPrivateModel>>; // import it from lib/private-files.ts
 *
 * export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = createPrivateFileRoute(privateFiles);
 * ```
 */
export function createPrivateFileRoute<M extends Record<string, AnyPrivateModel>>(files: PrivateFiles<M, AnySession>): PrivateFileRoute {
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
