import { MemoryLocker } from "@tus/server";
import { ERRORS, TUS_RESUMABLE, type Locker } from "@tus/utils";
import { internalsOf, type PrivateFiles } from "../config/define.js";
import type { AnyPrivateModel } from "../config/model.js";
import type { AnySession } from "../config/types.js";
import type { FileStorage } from "../storage/types.js";
import { guardBody } from "./body-guard.js";
import { beginUpload } from "../upload/intake/begin.js";
import { abandonUpload, finishUpload, type UploadCompleteHandler } from "../upload/intake/finish.js";
import { checkLeadingBytes } from "../upload/intake/leading-bytes.js";
import type { PendingUpload } from "../upload/pending/types.js";
import { CreationRequestError, creationIntent } from "./creation.js";
import type { UploadRoute, UploadRouteOptions } from "./options.js";
import { PendingCache } from "./pending-cache.js";
import { tusAnswer, tusErrorResponse, uploadNotFound } from "./responses.js";
import { tusTargetFor, type TusTarget } from "./target.js";

/**
 * Resumable uploads over tus 1.0 (`@tus/server`): creation, HEAD offset, PATCH,
 * termination and expiration, into the storage of the field the upload names. Mount it
 * at a catch-all route (`app/uploads/[[...tus]]/route.ts`) and export the handlers.
 *
 * - Creation (POST) reads `Upload-Length` (required) and `Upload-Metadata`'s `model`,
 *   `field` and `filename`, then `beginUpload`: session, the field's `upload.condition`,
 *   size, type by extension and the quota, reserved. Refusals answer 400/401/403/413/415.
 * - HEAD, PATCH and DELETE serve only the uploader (another user's upload URL is 404).
 * - The first bytes are checked against the type before any is stored (415, and the
 *   upload is removed); no body may go past the declared length.
 * - The last PATCH runs `finishUpload` (size, type, `scan`, then `onUploadComplete`)
 *   and answers 200 with what `onUploadComplete` returned, as JSON.
 *
 * Needs the optional peers `@tus/server`, `@tus/utils`, `@tus/file-store` (local fields)
 * and `@tus/s3-store` (S3 fields). One instance by default; several need a shared
 * `uploads.pending` store and `postgresAdvisoryLocker`.
 * @param files - The `definePrivateFiles` configuration.
 * @param options - The mount path, the completion step, the locker.
 * @example
 * ```ts
 * // app/uploads/[[...tus]]/route.ts
 * import { definePrivateFiles } from "next-private-files";
 * import { createUploadRoute } from "next-private-files/tus";
 *
 * declare const files: ReturnType<typeof definePrivateFiles>;
 * declare function createSubmission(path: string, name: string): Promise<{ id: number }>;
 *
 * const route = createUploadRoute(files, {
 *   path: "/uploads",
 *   async onUploadComplete(upload) {
 *     const submission = await createSubmission(upload.path, upload.originalName);
 *     return { id: submission.id };
 *   },
 * });
 * export const { OPTIONS, POST, HEAD, PATCH, DELETE } = route;
 * ```
 */
export function createUploadRoute<T, S extends AnySession = AnySession>(
  files: PrivateFiles<Record<string, AnyPrivateModel>, S>,
  options: UploadRouteOptions<T, S>,
): UploadRoute {
  const { config, field } = internalsOf(files);
  // Shared by every instance when the config's `uploads.pending` is (Prisma, …).
  const pendingUploads = () => config.uploads.pending;
  const ttlMs = config.uploads.pendingTtlMs;
  const locker: Locker = options.locker ?? new MemoryLocker();
  const onComplete = options.onUploadComplete as UploadCompleteHandler<T>;
  const path = options.path.replace(/\/+$/, "");
  const cache = new PendingCache();
  /** Creation requests on their way to the tus server, with the upload they reserved. */
  const creating = new WeakMap<Request, PendingUpload>();
  const targets = new Map<FileStorage, Promise<TusTarget>>();

  const storageOf = (pending: { model: string; field: string }): FileStorage => {
    const found = field(pending.model, pending.field);
    if (!found) throw new TypeError(`no field ${pending.model}.${pending.field}`);
    return config.storageOf(found.field);
  };
  const targetOf = (pending: PendingUpload): Promise<TusTarget> => {
    const storage = storageOf(pending);
    let target = targets.get(storage);
    if (!target) {
      target = tusTargetFor(storage, {
        options: options as UploadRouteOptions<unknown, never>,
        locker,
        ttlMs,
        creating: (request) => creating.get(request),
        async pendingOf(id) {
          const found = cache.get(id) ?? (await pendingUploads().get(id));
          if (!found) throw ERRORS.FILE_NOT_FOUND;
          return cache.put(found);
        },
      });
      targets.set(storage, target);
      target.catch(() => targets.delete(storage));
    }
    return target;
  };

  /** The caller's pending upload named by the URL, or the answer to give instead. */
  const ownUpload = async (request: Request): Promise<{ pending: PendingUpload; target: TusTarget } | Response> => {
    const id = uploadIdOf(request.url, path);
    if (id === undefined) return uploadNotFound();
    let session: AnySession | null;
    try {
      session = await config.getSession(request);
    } catch {
      return tusAnswer(503, "sign-in is unavailable; try again\n", { "Retry-After": String(config.retryAfterSeconds) });
    }
    const pending = await pendingUploads().get(id);
    // Not yours and not there answer alike: an upload URL reveals nothing about others'.
    if (!pending || pending.via !== "tus" || (pending.user !== null && pending.user !== session?.user.id)) return uploadNotFound();
    if (pending.expiresAt.getTime() <= Date.now()) return tusAnswer(410, "this upload expired\n");
    return { pending: cache.put(pending), target: await targetOf(pending) };
  };

  /** Removes an unfinished upload entirely: bytes, tus bookkeeping, pending row. */
  const discard = async (pending: PendingUpload, target: TusTarget): Promise<void> => {
    cache.delete(pending.id);
    await target.backend.removeAll(pending);
    await abandonUpload(files, pending);
  };

  /** The last byte is stored: the checks and onUploadComplete, once, under the upload's lock. */
  const complete = async (request: Request, pending: PendingUpload, target: TusTarget, answer: Response, status: number): Promise<Response> => {
    const lock = locker.newLock(pending.id);
    await lock.lock(new AbortController().signal, () => undefined);
    try {
      // Another request (here or on another instance) may have completed it meanwhile.
      const current = await pendingUploads().get(pending.id);
      if (!current) return uploadNotFound();
      let result: T;
      try {
        result = await finishUpload(files, request, current, onComplete);
      } catch (error) {
        const refused = tusErrorResponse(error);
        if (refused) return refused;
        throw error;
      } finally {
        cache.delete(pending.id);
        await target.backend.forgetCompleted(current);
      }
      const headers = new Headers(answer.headers);
      headers.set("Content-Type", "application/json");
      headers.delete("Content-Length");
      headers.delete("Upload-Expires");
      return new Response(JSON.stringify(result ?? null), { status, headers });
    } finally {
      await lock.unlock();
    }
  };

  return {
    async OPTIONS() {
      return new Response(null, {
        status: 204,
        headers: {
          "Tus-Resumable": TUS_RESUMABLE,
          "Tus-Version": TUS_RESUMABLE,
          "Tus-Extension": "creation,termination,expiration",
          "Tus-Max-Size": String(config.maxUploadBytes),
        },
      });
    },

    async POST(request) {
      let intent;
      try {
        intent = creationIntent(request);
      } catch (error) {
        if (error instanceof CreationRequestError) return tusAnswer(error.status, `${error.message}\n`);
        throw error;
      }
      let pending: PendingUpload;
      try {
        pending = await beginUpload(files, request, intent, "tus");
      } catch (error) {
        const refused = tusErrorResponse(error);
        if (refused) return refused;
        throw error;
      }
      let target: TusTarget;
      try {
        target = await targetOf(cache.put(pending));
      } catch (error) {
        await abandonUpload(files, pending);
        throw error;
      }
      // Without a body or its Content-Type: the bytes come by PATCH, where they are checked.
      const headers = new Headers(request.headers);
      headers.delete("content-type");
      headers.delete("content-length");
      const forwarded = new Request(request.url, { method: "POST", headers });
      creating.set(forwarded, pending);
      const answer = await target.server.handleWeb(forwarded);
      if (answer.status !== 201) {
        await discard(pending, target);
        return answer;
      }
      // An empty file is complete as soon as it exists.
      if (pending.size === 0) return complete(request, pending, target, answer, 201);
      return answer;
    },

    async HEAD(request) {
      const own = await ownUpload(request);
      if (own instanceof Response) return own;
      return own.target.server.handleWeb(request);
    },

    async PATCH(request) {
      const own = await ownUpload(request);
      if (own instanceof Response) return own;
      const { pending, target } = own;
      const offset = request.headers.get("upload-offset");
      if (offset === null || !/^\d{1,16}$/.test(offset)) return tusAnswer(400, "Upload-Offset is required\n");
      const guarded = guardBody(request.body, {
        offset: Number(offset),
        size: pending.size,
        storedHead: (count) => target.backend.storedHead(pending, count),
        check: (head) => checkLeadingBytes(files, pending, head),
      });
      const forwarded = new Request(request.url, { method: "PATCH", headers: request.headers, body: guarded.body, duplex: "half" } as RequestInit);
      const answer = await target.server.handleWeb(forwarded);
      if (guarded.outcome.refused !== undefined) {
        // A type mismatch at the first bytes: nothing of this upload is kept.
        await discard(pending, target);
        const refused = tusErrorResponse(guarded.outcome.refused, { Connection: "close" });
        if (refused) return refused;
        throw guarded.outcome.refused;
      }
      if (guarded.outcome.tooLong) {
        return tusAnswer(413, `the body goes past the declared Upload-Length of ${pending.size} bytes\n`, { Connection: "close" });
      }
      if (answer.ok && Number(answer.headers.get("upload-offset")) === pending.size) return complete(request, pending, target, answer, 200);
      return answer;
    },

    async DELETE(request) {
      const own = await ownUpload(request);
      if (own instanceof Response) return own;
      const answer = await own.target.server.handleWeb(request);
      if (answer.status === 204) {
        cache.delete(own.pending.id);
        await abandonUpload(files, own.pending);
      }
      return answer;
    },

    async prune({ now = new Date(), limit = 100 } = {}) {
      let removed = 0;
      for (const pending of await pendingUploads().expired(now, limit)) {
        // Direct uploads are the direct route's to prune.
        if (pending.via !== "tus") continue;
        const target = await targetOf(pending);
        const lock = locker.newLock(pending.id);
        await lock.lock(new AbortController().signal, () => undefined);
        try {
          await discard(pending, target);
          removed += 1;
        } finally {
          await lock.unlock();
        }
      }
      return removed;
    },
  };
}

/** The upload id in `<path>/<id>`, or undefined for any other URL. */
function uploadIdOf(url: string, path: string): string | undefined {
  const pathname = new URL(url).pathname;
  if (!pathname.startsWith(`${path}/`)) return undefined;
  const id = pathname.slice(path.length + 1).replace(/\/$/, "");
  return /^[A-Za-z0-9_-]{1,64}$/.test(id) ? id : undefined;
}
