import { accelRedirect } from "../offload.js";
import type { DeliveryMode } from "../mode.js";

/** `{ mode: "x-accel-redirect", prefix }`: nginx sends the file from its `internal` location. */
export const accelRedirectMode: DeliveryMode<{ readonly mode: "x-accel-redirect"; readonly prefix: string }> = {
  name: "x-accel-redirect",
  offloads: true,
  deliver: (delivery, { storedPath, headers }) => accelRedirect(delivery.prefix, storedPath, headers),
};
