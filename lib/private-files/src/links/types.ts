import type { LinkStore } from "./store.js";

/** A field's opt-in to links that work without a session (`FieldOptions.links`). */
export interface FieldLinkOptions {
  /**
   * Accept signed links that work until they expire.
   * @default false
   */
  readonly signed?: boolean;
  /**
   * Accept single-use links (needs `links.store` in the config, checked at start-up).
   * @default false
   */
  readonly singleUse?: boolean;
  /**
   * Longest lifetime a link may be given, in seconds (7 days); a whole number, checked at start-up.
   * @default 604_800
   */
  readonly maxExpiresIn?: number;
  /**
   * `true`: a link works only for a signed-in user (anyone signed in: the link replaces
   * the field's condition, not the session). `false`: the link alone is enough.
   * @default false
   */
  readonly requireSession?: boolean;
}

/** Links for the whole config (`PrivateFilesOptions.links`). */
export interface LinksOptions {
  /**
   * Secrets that sign and verify links, current first: the first signs, every one
   * verifies, so a rotation keeps live links working (put the new secret first and keep
   * the old one until its links have expired). At least 32 characters each, else
   * `LinkSecretError`. Read when a link is first made or checked, not at start-up, so
   * `next build` needs no secret. The default reads the environment, each value
   * trimmed and empty ones dropped.
   * @default [process.env.PRIVATE_FILES_LINK_SECRET, ...process.env.PRIVATE_FILES_LINK_PREVIOUS_SECRETS.split(",")]
   */
  readonly secrets?: readonly string[];
  /**
   * Records every link (revocation; single-use consumption). Required for single-use
   * links; `prismaLinkStore` from `next-private-files/prisma` is one.
   * Unset: signed links are stateless and cannot be revoked; single-use links are refused.
   */
  readonly store?: LinkStore;
  /**
   * After a single-use link is consumed, the client that spent it may still send `Range`
   * requests for this many seconds, to resume an interrupted download or fetch it in parts
   * as download managers do. That client is known by a random resume cookie (HttpOnly,
   * scoped to the file's path, lasting this long) set by the answer that spent the link;
   * only a request carrying it and answered with 206 is a resume.
   * @default 600
   */
  readonly resumeWindowSeconds?: number;
}

/** How a granted download came through a link (on `preDownload` and `downloadFinished` events). */
export interface LinkUse {
  /** The link's id (its row in the store). */
  readonly id: string;
  /** Whether it was a single-use link. */
  readonly singleUse: boolean;
  /** When the link expires. */
  readonly expiresAt: Date;
  /** A single-use link's `Range` request within the resume window, after it was consumed. */
  readonly resumed: boolean;
  /**
   * Who made the link (`createdBy` when it was created), as the store recorded it.
   * `null`: recorded without one, or no `links.store` (a stateless link carries no creator).
   */
  readonly createdBy: string | null;
}

/** Options of `signedFileUrl` / `createFileLink`. */
export interface CreateLinkOptions {
  /**
   * Seconds until the link expires: a whole number, at most the field's `maxExpiresIn`
   * (else RangeError). The default is one hour, or the field's `maxExpiresIn` when that is shorter.
   * @default 3600
   */
  readonly expiresIn?: number;
  /**
   * A link that grants one download (the field must accept them, and the config needs `links.store`).
   * @default false
   */
  readonly singleUse?: boolean;
  /**
   * Who made it, recorded in the store: a user id, or the session's user itself (any
   * getter's: its `id` is recorded), so `createdBy: session.user` works as it is.
   * Unset: recorded as `null`.
   */
  readonly createdBy?: string | { readonly id: string };
  /**
   * A link to one declared image variant (`...?variant=thumb&token=...`): it opens that
   * variant only, never the original or another variant. An undeclared name is a TypeError.
   * Unset: a link to the original, which opens its variants too.
   */
  readonly variant?: string;
}

/** A link as `createFileLink` returns it. */
export interface FileLink {
  /** The file URL with `?token=`, relative to the site (prefix your origin to share it). */
  readonly url: string;
  /** The link's id: what `privateFiles.links.revoke(id)` takes. */
  readonly id: string;
  /** When the link stops working. */
  readonly expiresAt: Date;
  /** Whether it grants one download only. */
  readonly singleUse: boolean;
}
