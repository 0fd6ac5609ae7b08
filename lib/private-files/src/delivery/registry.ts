import type { DeliveryMode } from "./mode.js";
import { presignedRedirectMode } from "./modes/redirect.js";
import { streamMode } from "./modes/stream.js";
import { accelRedirectMode } from "./modes/x-accel-redirect.js";
import { sendfileMode } from "./modes/x-sendfile.js";
import type { Delivery, DELIVERY_MODES } from "./types.js";

type ModeName = (typeof DELIVERY_MODES)[number];
type DeliveryNamed<N extends ModeName> = N extends "stream" ? "stream" : Extract<Delivery, { readonly mode: N }>;

// One line per mode. Typed against DELIVERY_MODES, so a mode added to `Delivery` without
// its module here does not compile.
const BUILT_IN: { readonly [N in ModeName]: DeliveryMode<DeliveryNamed<N>> } = {
  stream: streamMode,
  "x-accel-redirect": accelRedirectMode,
  "x-sendfile": sendfileMode,
  redirect: presignedRedirectMode,
};

/** Every mode the route can deliver with, by name. Internal: a test registers a test-only mode here. */
export const DELIVERY_MODE_REGISTRY = new Map<string, DeliveryMode>(Object.entries(BUILT_IN));

/** The name of a `Delivery` value: `"stream"`, or the object form's `mode`. */
export function deliveryModeName(delivery: Delivery): string {
  return delivery === "stream" ? "stream" : delivery.mode;
}

/** The mode that answers for `delivery`; `undefined` for a name the kit does not know (a config written in plain JS). */
export function deliveryModeOf(delivery: Delivery): DeliveryMode | undefined {
  return DELIVERY_MODE_REGISTRY.get(deliveryModeName(delivery));
}
