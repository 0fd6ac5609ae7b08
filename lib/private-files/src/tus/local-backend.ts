import fs from "node:fs/promises";
import path from "node:path";
import { FileStore } from "@tus/file-store";
import { localRootOf } from "../storage/local.js";
import type { FileStorage } from "../storage/types.js";
import type { PendingUpload } from "../upload/pending/types.js";
import type { TusBackend } from "./target.js";

/**
 * A localFileStorage field: `@tus/file-store` at the storage root, so the bytes grow at
 * `<root>/<pending.key>` with tus's `<key>.json` beside them until completion.
 */
export function localBackend(storage: FileStorage, ttlMs: number): TusBackend | undefined {
  const root = localRootOf(storage);
  if (root === undefined) return undefined;
  const file = (pending: PendingUpload) => path.join(root, pending.key);
  return {
    store: new FileStore({ directory: root, expirationPeriodInMilliseconds: ttlMs }),
    innerId: (pending) => pending.key,
    async storedHead(pending, count) {
      const handle = await fs.open(file(pending), "r");
      try {
        const buffer = Buffer.alloc(count);
        const { bytesRead } = await handle.read(buffer, 0, count, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async forgetCompleted(pending) {
      await fs.rm(`${file(pending)}.json`, { force: true });
      // As localFileStorage writes its files: owner read-write, group read (x-accel-redirect).
      await fs.chmod(file(pending), 0o640).catch(() => undefined);
    },
    async removeAll(pending) {
      await fs.rm(file(pending), { force: true });
      await fs.rm(`${file(pending)}.json`, { force: true });
    },
  };
}
