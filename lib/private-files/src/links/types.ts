import type { LinkStore } from "./store.js";

/** A field's opt-in to links that work without a session (`FieldOptions.links`). */
export interface FieldLinkOptions {
  /** Accept signed links that work until they expire. */
  readonly signed?: boolean;
  /** Accept single-use links (needs `links.store` in the config). */
  readonly singleUse?: boolean;
  /** Longest lifetime a link may be given, in seconds. Default 7 days. */
  readonly maxExpiresIn?: number;
  /**
   * `true`: a link works only for a signed-in user (anyone signed in: the link replaces
   * the field's condition, not the session). Default `false`: the link alone is enough.
   */
  readonly requireSession?: boolean;
}

/** Links for the whole config (`PrivateFilesOptions.links`). */
export interface LinksOptions {
  /**
   * Secrets that sign and verify links, current first: the first signs, every one
   * verifies, so a rotation keeps live links working (put the new secret first and keep
   * the old one until its links have expired). At least 32 characters each. Default:
   * `PRIVATE_FILES_LINK_SECRET`, then the comma-separated `PRIVATE_FILES_LINK_PREVIOUS_SECRETS`.
   */
  readonly secrets?: readonly string[];
  /**
   * Records every link (revocation; single-use consumption). Required for single-use
   * links; without it signed links are stateless and cannot be revoked.
   */
  readonly store?: LinkStore;
  /**
   * After a single-use link is consumed, the client that spent it may still send `Range`
   * requests for this many seconds, to resume an interrupted download or fetch it in parts
   * as download managers do. That client is known by a random resume cookie (HttpOnly,
   * scoped to the file's path, lasting this long) set by the answer that spent the link;
   * only a request carrying it and answered with 206 is a resume. Default 600.
   */
  readonly resumeWindowSeconds?: number;
}

/** How a granted download came through a link (on `preDownload` and `downloadFinished` events). */
export interface LinkUse {
  readonly id: string;
  readonly singleUse: boolean;
  readonly expiresAt: Date;
  /** A single-use link's `Range` request within the resume window, after it was consumed. */
  readonly resumed: boolean;
}

/** Options of `signedFileUrl` / `createFileLink`. */
export interface CreateLinkOptions {
  /** Seconds until the link expires; at most the field's `maxExpiresIn`. Default 1 hour. */
  readonly expiresIn?: number;
  /** A link that grants one download. Default `false`. */
  readonly singleUse?: boolean;
  /** Who made it, recorded in the store (e.g. the session user's id). */
  readonly createdBy?: string;
}

/** A link as `createFileLink` returns it. */
export interface FileLink {
  /** The file URL with `?token=`, relative to the site (prefix your origin to share it). */
  readonly url: string;
  readonly id: string;
  readonly expiresAt: Date;
  readonly singleUse: boolean;
}
