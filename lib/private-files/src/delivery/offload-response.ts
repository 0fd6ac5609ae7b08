import type { FileStorage, OpenedFile } from "../storage/types.js";
import { accelRedirect, presignedRedirect, sendfile } from "./offload.js";
import type { Delivery } from "./types.js";

/** A delivery mode that cannot work with the field's storage: a configuration error (500, logged). */
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
      if (file.localPath === undefined) throw new DeliveryConfigError("x-sendfile needs a storage on this machine (localStorage)");
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
