import { randomBytes } from "node:crypto";
import { internalsOf, type PrivateFiles, type ResolvedConfig } from "../config/define.js";
import type { AnyPrivateModel } from "../config/model.js";
import type { AnySession } from "../config/types.js";
import { misdirectedRequest } from "../http/allowed-host.js";
import { readJson, RequestBodyError } from "../http/body-limit.js";
import { dispositionFor, FILE_SECURITY_HEADERS } from "../http/headers.js";
import { isBrowserNavigation, redirectToSignIn } from "../http/responses.js";
import { assertSameOrigin, CrossSiteRequestError } from "../http/same-origin.js";
import { LinkSecretError } from "../links/secrets.js";
import { announceDenial } from "../route/announce.js";
import { withTimeout } from "../route/with-timeout.js";
import type { ArchiveInfo } from "./archive-info.js";
import { jsonError, refusalResponse, refusalStatus } from "./answers.js";
import { uniqueEntryNames } from "./entry-names.js";
import { gatherEntries } from "./gather.js";
import { parseSelection, ZipRequestError, type ZipSelection } from "./items.js";
import { resolveZipOptions, type ResolvedZipOptions, type ZipRouteOptions } from "./options.js";
import { openSelection } from "./selection-token.js";
import { streamZip } from "./write-zip.js";

/** One method's handler of the zip route, as Next.js calls it. */
export type ZipRouteHandler = (request: Request) => Promise<Response>;

/** The exports of `app/files/zip/route.ts`. */
export interface ZipRoute {
  /** A zip of the files a JSON body lists: `{ items: [{ model, field, id }], name? }`. */
  POST: ZipRouteHandler;
  /** A zip of the files a signed selection lists: `?selection=` (see `zipSelectionUrl`). */
  GET: ZipRouteHandler;
  /** 405, with `Allow: GET, POST` (a zip is never made for HEAD). */
  HEAD: ZipRouteHandler;
  /** 405, with `Allow: GET, POST`. */
  PUT: ZipRouteHandler;
  /** 405, with `Allow: GET, POST`. */
  PATCH: ZipRouteHandler;
  /** 405, with `Allow: GET, POST`. */
  DELETE: ZipRouteHandler;
  /** 405, with `Allow: GET, POST`. */
  OPTIONS: ZipRouteHandler;
}

/**
 * The route that sends many private files as one zip, streamed as it is written (yazl:
 * Zip64, UTF-8 names, one file open at a time). Each file is authorized on its own, by
 * the single-file route's stages and its field's condition, for the requester's session.
 * If any is refused, the whole request is: 401/403/404 with the list of refused files, as
 * JSON, before any byte (see docs/zips.md). Mount it at `app/files/zip/route.ts`.
 *
 * - `POST` with JSON `{ items: [{ model, field, id }], name? }` (same-origin, at most
 *   `maxBodyBytes`);
 * - `GET ?selection=<signed>` for a plain link, made by `zipSelectionUrl`: the signature
 *   proves the list is the app's, unchanged and unexpired; it grants nothing.
 *
 * 400 for a malformed or empty list, 413 over `maxEntries` or `maxTotalBytes`, 421 for a
 * `Host` not of the `origins` option, 403 for a cross-site POST. Hooks fire per file:
 * `downloadDenied` for each refused one, `preDownload` before each file's first byte,
 * `downloadFinished` after it, with `event.archive` naming the zip.
 * @param files - What `definePrivateFiles` returned.
 * @param options - The limits (see {@link ZipRouteOptions}).
 * @returns The route's handlers.
 * @throws {TypeError} when `files` is not a `definePrivateFiles()` result, or a limit is not a positive whole number.
 * @example
 * ```ts
 * // app/files/zip/route.ts
 * import type { AnyPrivateModel, PrivateFiles } from "next-private-files";
 * import { createZipRoute } from "next-private-files/zip";
 *
 * declare const privateFiles: PrivateFiles<Record<string, AnyPrivateModel>>; // import it from lib/private-files.ts
 *
 * export const { GET, POST, HEAD, PUT, PATCH, DELETE, OPTIONS } = createZipRoute(privateFiles, { maxEntries: 500 });
 * ```
 */
export function createZipRoute<M extends Record<string, AnyPrivateModel>>(files: PrivateFiles<M, AnySession>, options: ZipRouteOptions = {}): ZipRoute {
  const { config } = internalsOf(files);
  const limits = resolveZipOptions(options);

  const guarded = (read: (request: Request) => Promise<ZipSelection>): ZipRouteHandler => async (request) => {
    if (!config.hostAllowed(request)) return misdirectedRequest();
    try {
      return await answerZip(config, limits, request, await read(request));
    } catch (error) {
      if (error instanceof ZipRequestError || error instanceof RequestBodyError || error instanceof CrossSiteRequestError) return jsonError(error.status, error.message);
      if (error instanceof LinkSecretError) {
        config.logger.error("zip selections need a link secret", { error: error.message });
        return jsonError(500, "zip links are not configured");
      }
      config.logger.error("unexpected error in the zip route", { error: String(error) });
      return jsonError(500, "the zip could not be made");
    }
  };

  const POST = guarded(async (request) => {
    const own = config.origins();
    if (own) assertSameOrigin(request, own);
    return parseSelection(await readJson(request, { limit: limits.maxBodyBytes }), limits.maxEntries);
  });
  const GET = guarded(async (request) => {
    const token = new URL(request.url).searchParams.get("selection");
    if (token === null) throw new ZipRequestError("a zip link needs ?selection= (see zipSelectionUrl); or POST the list", 400);
    const opened = openSelection(token, config.links.secrets(), new Date());
    if ("refused" in opened) throw new ZipRequestError(`the selection is refused: ${opened.refused}`, 403);
    return parseSelection(opened.body, limits.maxEntries);
  });
  const refuse: ZipRouteHandler = async () => jsonError(405, "Method Not Allowed: GET with ?selection=, or POST a list", {}, { Allow: "GET, POST" });
  return { GET, POST, HEAD: refuse, PUT: refuse, PATCH: refuse, DELETE: refuse, OPTIONS: refuse };
}

/** A read selection: every file judged, then the refusal, the 413, or the zip. */
async function answerZip(config: ResolvedConfig, limits: ResolvedZipOptions, request: Request, selection: ZipSelection): Promise<Response> {
  let session: AnySession | null;
  try {
    session = await withTimeout(config.getSession(request), config.timeoutMs, "session lookup");
  } catch (error) {
    config.logger.error("session store failed", { error: String(error) });
    return jsonError(503, "the session could not be read; try again", {}, { "Retry-After": String(config.retryAfterSeconds) });
  }
  const name = zipName(selection.name ?? limits.defaultName);
  const archive = { id: randomBytes(16).toString("base64url"), name, entries: selection.items.length };
  const archiveOf = (index: number): ArchiveInfo => ({ ...archive, index });
  const { granted, refused } = await gatherEntries(config, request, selection, session, archiveOf);

  if (refused.length > 0) {
    const status = refusalStatus(refused);
    // A zip link opened by a signed-out browser goes to sign in and back, as a file link does.
    const url = new URL(request.url);
    const toSignIn = status === 401 && config.signInUrl && request.method === "GET" && isBrowserNavigation(request);
    const response = toSignIn ? redirectToSignIn(config.signInUrl!, `${url.pathname}${url.search}`) : refusalResponse(status, refused, selection, config.retryAfterSeconds);
    // Each denial is announced, awaited, before the refusal goes out (as the file route does).
    await Promise.all(refused.map(({ rejection, download }) => (rejection.denial && download ? announceDenial(download, rejection.denial, status) : undefined)));
    return response;
  }

  const total = granted.reduce((sum, entry) => sum + entry.size, 0);
  if (total > limits.maxTotalBytes) return jsonError(413, `the files add up to ${total} bytes, more than the ${limits.maxTotalBytes} a zip may hold`);

  const names = uniqueEntryNames(granted.map(({ download }) => download.name));
  const planned = granted.map((entry, index) => ({ ...entry, entryName: names[index]!, deflate: limits.compress(names[index]!) }));
  return new Response(streamZip(config, planned), {
    status: 200,
    headers: {
      ...FILE_SECURITY_HEADERS,
      "Cache-Control": "private, no-store, no-transform",
      "Content-Type": "application/zip",
      "Content-Disposition": dispositionFor(name, false),
    },
  });
}

/** The zip's name: the one asked for, made safe, with `.zip` added when it does not end so. */
function zipName(asked: string): string {
  const trimmed = asked.trim();
  return /\.zip$/i.test(trimmed) ? trimmed : `${trimmed}.zip`;
}
