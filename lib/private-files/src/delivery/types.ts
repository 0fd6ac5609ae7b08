/**
 * How a granted file's bytes reach the client. Authorization, `preDownload`, 304 and
 * 416 are decided by the route in every mode; only the sending of the body differs.
 * - `stream` (default): the route streams the bytes itself.
 * - `x-accel-redirect`: nginx sends them from an `internal` location mapped to the
 *   storage root (`prefix` is that location, e.g. `/_protected/`).
 * - `x-sendfile`: Apache (mod_xsendfile) or lighttpd sends the file at its absolute path.
 * - `redirect`: a 302 to a short-lived presigned URL of the object store, which sends
 *   the bytes (with the right name and type); `expiresIn` in seconds, default 60.
 *
 * @example
 * ```ts
 * import type { Delivery } from "next-private-files";
 *
 * // nginx: `location /_protected/ { internal; alias /var/lib/my-app/files/; }`
 * const behindNginx: Delivery = { mode: "x-accel-redirect", prefix: "/_protected/" };
 * const fromTheBucket: Delivery = { mode: "redirect", expiresIn: 30 };
 * ```
 */
export type Delivery =
  | "stream"
  | {
      /** nginx sends the file from an `internal` location. */
      readonly mode: "x-accel-redirect";
      /** The internal location mapped to the storage root, e.g. `/_protected/`. */
      readonly prefix: string;
    }
  | {
      /** Apache (mod_xsendfile) or lighttpd sends the file at its absolute path (local storage only). */
      readonly mode: "x-sendfile";
    }
  | {
      /** A 302 to a presigned URL of the object store (a storage with `presignedUrl`: `s3Storage`). */
      readonly mode: "redirect";
      /**
       * Seconds the presigned URL stays valid.
       * @default 60
       */
      readonly expiresIn?: number;
    };

/** The delivery modes by name (`"stream"`, `"x-accel-redirect"`, `"x-sendfile"`, `"redirect"`), e.g. to read one from the environment. */
export const DELIVERY_MODES = ["stream", "x-accel-redirect", "x-sendfile", "redirect"] as const;
