// createDirectUploadRoute: the route handlers of a direct-to-S3 upload, dispatched by the
// path under the route's basePath.
import { internalsOf, type PrivateFiles } from "../config/define.js";
import type { AnyPrivateModel } from "../config/model.js";
import type { AnySession } from "../config/types.js";
import { RequestBodyError } from "../http/body-limit.js";
import { assertSameOrigin, CrossSiteRequestError } from "../http/same-origin.js";
import { handleCancel } from "./cancel.js";
import { handleComplete } from "./complete.js";
import type { AnyFiles, DirectContext } from "./context.js";
import { pendingUploadsOf, uploadErrorResponse } from "./core.js";
import { handleIntent } from "./intent.js";
import { resolveDirectOptions, type DirectUploadOptions } from "./options.js";
import { handleParts } from "./parts.js";
import { pruneDirectUploads, type PruneDirectUploadsOptions, type PruneDirectUploadsResult } from "./prune.js";
import { DirectUploadError, failure } from "./responses.js";

/** What `createDirectUploadRoute` returns: the two handlers to export from the route file, and the pruner. */
export interface DirectUploadRoute {
  /** The intent (`POST <basePath>`), the completion (`POST <basePath>/<id>/complete`) and fresh part URLs (`POST <basePath>/<id>/parts`). */
  POST(request: Request): Promise<Response>;
  /** Cancels an upload (`DELETE <basePath>/<id>`): 204. */
  DELETE(request: Request): Promise<Response>;
  /**
   * Removes every direct upload past its expiry that was never completed: deletes its
   * object, aborts its multipart upload, frees its reservation. Run it on a schedule
   * (`npm run uploads:prune`, a cron job); safe on several instances at once.
   */
  prune(options?: PruneDirectUploadsOptions): Promise<PruneDirectUploadsResult>;
}

/** The id: base64url, as the core makes them (18 random bytes: 24 characters). */
const ID = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * Direct-to-storage uploads for S3 fields: the browser sends the bytes straight to the
 * bucket through presigned URLs, never through the app (no request-size limit of the
 * platform applies). Mount it at `app/uploads/direct/[[...step]]/route.ts`.
 *
 * - `POST <basePath>` with JSON `{ model, field, name, size, metadata? }`: the field's
 *   `upload` declaration decides (session, condition, maxSize, type by extension, quota
 *   reserved atomically), then 201 with a presigned `PUT` (up to 100 MiB) or presigned
 *   part URLs (S3 multipart), each signed for its exact `Content-Length` (and the PUT for
 *   its `Content-Type`), valid `expiresInSeconds`.
 * - `POST <basePath>/<id>/complete` (JSON `{ parts: [{ partNumber, etag }] }` for
 *   multipart): joins the parts, checks the object's size against the declared one and its
 *   first bytes against the allowed type, runs the config's `scan`, then awaits
 *   `onUploadComplete` and answers what it returned (201). A failed check deletes the object.
 * - `DELETE <basePath>/<id>`: cancels. `prune()` removes the orphans.
 *
 * Only the user who began an upload may complete or cancel it (anyone else: 404).
 * Needs the optional peers `@aws-sdk/client-s3` and `@aws-sdk/s3-request-presigner`.
 * @param files - The `definePrivateFiles()` result; the fields uploaded to must use `s3Storage` and declare `upload`.
 * @param options - `onUploadComplete` (makes the record), the URLs' expiry, the part size.
 * @throws {TypeError} for an expiry or part size S3 would refuse.
 * @example
 * ```ts
 * // app/uploads/direct/[[...step]]/route.ts
 * import { S3Client } from "@aws-sdk/client-s3";
 * import { definePrivateFiles, privateModel, intId } from "next-private-files";
 * import { s3Storage } from "next-private-files/s3";
 * import { createDirectUploadRoute } from "next-private-files/direct";
 *
 * declare function saveSubmission(input: { path: string; name: string; size: number; owner: string | null }): Promise<{ id: number }>;
 *
 * type Submission = { id: number; file: string | null };
 * const submissions = privateModel<Submission, number>({ id: intId, load: async () => null }).fields({
 *   file: { uploadTo: "submissions", upload: { condition: ({ user }) => user !== null, maxSize: 2 * 1024 ** 3 } },
 * });
 * const files = definePrivateFiles({
 *   models: { submissions },
 *   getSession: async () => null,
 *   storage: s3Storage({ client: new S3Client({}), bucket: "team-files" }),
 * });
 *
 * const route = createDirectUploadRoute(files, {
 *   onUploadComplete: async (upload) =>
 *     saveSubmission({ path: upload.path, name: upload.originalName, size: upload.size, owner: upload.userId }),
 * });
 * export const { POST, DELETE } = route;
 * ```
 */
export function createDirectUploadRoute<M extends Record<string, AnyPrivateModel>, S extends AnySession, T>(
  files: PrivateFiles<M, S>,
  options: DirectUploadOptions<T, S>,
): DirectUploadRoute {
  const { config } = internalsOf(files);
  const context: DirectContext<T, S> = {
    // The handlers are generic in neither: the models and the session type were checked where `files` was made.
    files: files as unknown as AnyFiles,
    options: resolveDirectOptions(options),
    pending: pendingUploadsOf(files),
    busy: new Set(),
  };

  /** The path's segments under basePath; undefined when the request is not under it. */
  const stepsOf = (request: Request): string[] | undefined => {
    const { pathname } = new URL(request.url);
    const base = context.options.basePath;
    if (pathname !== base && !pathname.startsWith(`${base}/`)) return undefined;
    const rest = pathname.slice(base.length).replace(/^\/+|\/+$/g, "");
    return rest === "" ? [] : rest.split("/");
  };

  const answer = async (request: Request, work: (steps: string[]) => Promise<Response> | undefined): Promise<Response> => {
    try {
      const own = config.origins();
      if (own) assertSameOrigin(request, own);
      const steps = stepsOf(request);
      const handled = steps && work(steps);
      if (!handled) return failure(404, "no such upload step");
      return await handled;
    } catch (error) {
      const known = uploadErrorResponse(error);
      if (known) return known;
      if (error instanceof DirectUploadError || error instanceof RequestBodyError || error instanceof CrossSiteRequestError) {
        return failure(error.status, error.message);
      }
      config.logger.error("unexpected error in the direct upload route", { error: String(error) });
      return failure(503, "the upload could not be handled; try again", { "Retry-After": String(config.retryAfterSeconds) });
    }
  };

  return {
    POST: (request) =>
      answer(request, (steps) => {
        if (steps.length === 0) return handleIntent(context, request);
        const [id, step] = steps as [string, string | undefined];
        if (steps.length !== 2 || !ID.test(id)) return undefined;
        if (step === "complete") return handleComplete(context, request, id);
        if (step === "parts") return handleParts(context, request, id);
        return undefined;
      }),
    DELETE: (request) =>
      answer(request, (steps) => {
        const [id] = steps;
        return steps.length === 1 && id !== undefined && ID.test(id) ? handleCancel(context, request, id) : undefined;
      }),
    prune: (pruneOptions) => pruneDirectUploads(context.files, context.pending, pruneOptions),
  };
}
