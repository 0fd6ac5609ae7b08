import type { FileStorage, OpenedFile } from "../storage/types.js";
import { accelRedirect, presignedRedirect, sendfile } from "./offload.js";
import type { Delivery } from "./types.js";

/**
 * A delivery mode that cannot work with the field's storage, found on a download: an
 * `x-sendfile` field whose storage has no local files, or a `redirect` one whose storage
 * cannot presign. The route logs it and answers 500; `definePrivateFiles` already
 * refuses the `redirect` case at start-up when it can tell.
 * @example
 * ```ts
 * import { DeliveryConfigError, type Logger } from "next-private-files";
 *
 * declare const logger: Logger;
 * declare const error: unknown;
 *
 * if (error instanceof DeliveryConfigError) logger.error("fix the delivery setting", { error: error.message });
 * ```
 */
export class DeliveryConfigError extends Error {
  override readonly name = "DeliveryConfigError";
}

/**
 * The answer that hands a granted file to the front server or the object store.
 * `headers` are the file's planned headers (type, disposition, security headers);
 * `storage` is the field's, which presigns for `redirect`.
 */
export async function offloadResponse(
  delivery: Exclude<Delivery, "stream">,
  file: OpenedFile,
  storedPath: string,
  headers: Headers,
  storage: FileStorage,
): Promise<Response> {
  switch (delivery.mode) {
    case "x-accel-redirect":
      return accelRedirect(delivery.prefix, storedPath, headers);
    case "x-sendfile":
      if (file.localPath === undefined) throw new DeliveryConfigError("x-sendfile needs a storage on this machine (localFileStorage)");
      return sendfile(file.localPath, headers);
    case "redirect": {
      if (!storage.presignedUrl) throw new DeliveryConfigError("redirect needs a storage that can presign URLs (s3Storage)");
      const url = await storage.presignedUrl(storedPath, {
        expiresIn: delivery.expiresIn ?? 60,
        contentType: headers.get("content-type") ?? "application/octet-stream",
        contentDisposition: headers.get("content-disposition") ?? "attachment",
      });
      return presignedRedirect(url);
    }
  }
}
