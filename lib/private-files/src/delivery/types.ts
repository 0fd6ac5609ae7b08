/**
 * How a granted file's bytes reach the client. Authorization, `preDownload`, 304 and
 * 416 are decided by the route in every mode; only the sending of the body differs.
 * - `stream` (default): the route streams the bytes itself.
 * - `x-accel-redirect`: nginx sends them from an `internal` location mapped to the
 *   storage root (`prefix` is that location, e.g. `/_protected/`).
 * - `x-sendfile`: Apache (mod_xsendfile) or lighttpd sends the file at its absolute path.
 * - `redirect`: a 302 to a short-lived presigned URL of the object store, which sends
 *   the bytes (with the right name and type); `expiresIn` in seconds, default 60.
 */
export type Delivery =
  | "stream"
  | { readonly mode: "x-accel-redirect"; readonly prefix: string }
  | { readonly mode: "x-sendfile" }
  | { readonly mode: "redirect"; readonly expiresIn?: number };

/** The delivery modes by name, e.g. to read one from the environment. */
export const DELIVERY_MODES = ["stream", "x-accel-redirect", "x-sendfile", "redirect"] as const;
