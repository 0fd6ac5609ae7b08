import { DELIVERY_MODES, type Delivery } from "next-private-files";

/**
 * The demo's delivery mode, from the environment:
 * - `PRIVATE_FILES_DELIVERY`: stream (default), x-accel-redirect, x-sendfile or redirect;
 * - `PRIVATE_FILES_ACCEL_PREFIX`: nginx's internal location (default `/_protected/`);
 * - `PRIVATE_FILES_REDIRECT_SECONDS`: lifetime of presigned URLs (default 60).
 */
export function deliveryFromEnv(env: NodeJS.ProcessEnv = process.env): Delivery {
  const mode = env.PRIVATE_FILES_DELIVERY?.trim() || "stream";
  switch (mode) {
    case "stream":
      return "stream";
    case "x-accel-redirect":
      return { mode, prefix: env.PRIVATE_FILES_ACCEL_PREFIX?.trim() || "/_protected/" };
    case "x-sendfile":
      return { mode };
    case "redirect":
      return { mode, expiresIn: Number(env.PRIVATE_FILES_REDIRECT_SECONDS) || 60 };
    default:
      throw new Error(`PRIVATE_FILES_DELIVERY must be one of ${DELIVERY_MODES.join(", ")}, not ${JSON.stringify(mode)}`);
  }
}
