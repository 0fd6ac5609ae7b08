import type { PendingUpload, PendingUploadStore } from "./types.js";

/**
 * Pending uploads in this process's memory: for one app instance (and tests). Behind a
 * load balancer, or with several processes, use a shared table
 * (`prismaPendingUploadStore`): an upload begun on one instance must be found, and
 * its reservation counted, on every other.
 * @example
 * ```ts
 * import { memoryPendingUploads } from "next-private-files/upload";
 *
 * const pending = memoryPendingUploads();
 * await pending.reservedBytes("42", new Date()); // 0
 * ```
 */
export function memoryPendingUploads(): PendingUploadStore {
  const uploads = new Map<string, PendingUpload>();
  // One reservation at a time: `fits` may await (the app's usedBytes), and two
  // reservations interleaving there would both see the bytes before either insert.
  let turn: Promise<unknown> = Promise.resolve();
  const reservedBytes = (user: string, now: Date) => {
    let sum = 0;
    for (const upload of uploads.values()) if (upload.user === user && upload.expiresAt > now) sum += upload.size;
    return sum;
  };
  return {
    reserve(upload, fits) {
      const run = turn.then(async () => {
        if (uploads.has(upload.id)) throw new Error(`a pending upload ${upload.id} exists already`);
        const reserved = upload.user === null ? 0 : reservedBytes(upload.user, new Date());
        if (!(await fits(reserved))) return false;
        uploads.set(upload.id, upload);
        return true;
      });
      turn = run.catch(() => undefined);
      return run;
    },
    async get(id) {
      return uploads.get(id) ?? null;
    },
    async setMultipartId(id, multipartId) {
      const upload = uploads.get(id);
      if (upload) uploads.set(id, { ...upload, multipartId });
    },
    async remove(id) {
      uploads.delete(id);
    },
    async reservedBytes(user, now) {
      return reservedBytes(user, now);
    },
    async expired(now, limit) {
      return [...uploads.values()]
        .filter((upload) => upload.expiresAt <= now)
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
        .slice(0, limit);
    },
  };
}
