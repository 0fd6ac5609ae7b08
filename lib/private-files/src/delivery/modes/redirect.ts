import { DeliveryConfigError, type DeliveryMode } from "../mode.js";
import { presignedRedirect } from "../offload.js";

/** `{ mode: "redirect", expiresIn }`: a 302 to a presigned URL; the object store sends the bytes. */
export const presignedRedirectMode: DeliveryMode<{ readonly mode: "redirect"; readonly expiresIn?: number }> = {
  name: "redirect",
  offloads: true,
  async deliver(delivery, { storage, storedPath, headers }) {
    if (!storage.presignedUrl) throw new DeliveryConfigError("redirect needs a storage that can presign URLs (s3Storage)");
    const url = await storage.presignedUrl(storedPath, {
      expiresIn: delivery.expiresIn ?? 60,
      contentType: headers.get("content-type") ?? "application/octet-stream",
      contentDisposition: headers.get("content-disposition") ?? "attachment",
    });
    return presignedRedirect(url);
  },
};
