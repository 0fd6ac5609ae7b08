import type { IdCodec } from "./ids.js";
import type { FileStorage } from "../storage/types.js";
import type { FileTypeRule } from "../upload/file-types.js";
import type { Delivery } from "../delivery/types.js";
import type { FieldLinkOptions } from "../links/types.js";
import type { LinkDenialReason } from "../links/check-link.js";
import type { VariantOptions } from "../variants/options.js";

/**
 * The signed-in user that conditions and hooks see. `id` is always set (the session
 * getters guarantee it); add your own fields by augmenting this interface:
 *
 * @example
 * ```ts
 * declare module "next-private-files" {
 *   interface SessionUser {
 *     role: "staff" | "member";
 *   }
 * }
 * ```
 */
export interface SessionUser {
  /** The user's id, as a string (a number key is compared as its string form). */
  id: string;
  /** The display name, when the auth library knows one. */
  name?: string | null;
  /** The e-mail address, when the auth library knows one. */
  email?: string | null;
  /** The avatar URL, when the auth library knows one. */
  image?: string | null;
}

/**
 * A request's session as the kit sees it: who is signed in. The auth library's own
 * session object passes as it is (with its other fields), as long as it has this `user`.
 */
export interface Session {
  /** Who is signed in. */
  readonly user: SessionUser;
}

/**
 * The least a session must be for the kit: a `user` with a string `id` (what `owner()`,
 * upload quotas and `createdBy` compare). Every getter's session type extends it; the
 * auth library's other fields ride along, typed, into conditions and hooks.
 */
export interface AnySession {
  /** Who is signed in: at least a string `id`. */
  readonly user: { readonly id: string };
}

/** The user type of a session type: what conditions and hooks see as `request.user`. */
export type UserOf<S extends AnySession> = S["user"];

/** The session type a getter resolves to: `SessionOf<typeof getSession>`. */
export type SessionOf<G> = G extends SessionGetter<infer S> ? S : never;

/**
 * Reads the session of a request; resolves to `null` when nobody is signed in. A
 * rejection is not "anonymous": the route answers 503. `S`, the session type, flows from
 * here into conditions, hook events and links. The adapters are getters:
 * `nextAuthSession(authOptions)` (next-auth 4), `authjsSession(config)` (Auth.js 5),
 * `betterAuthSession(auth)` (Better Auth); any function of this shape is one too. `S`
 * defaults to `Session`, the kit's own, whose `SessionUser` an app may augment.
 */
export type SessionGetter<S extends AnySession = Session> = (request: Request) => Promise<S | null>;

/**
 * What a condition sees of a download request: the counterpart of Django's
 * `request` with `request.user`. `S` is the session type of the configuration's getter.
 */
export interface AccessRequest<S extends AnySession = Session> {
  /** The download request (its URL, headers, `?token=`). */
  readonly request: Request;
  /** The session as the session getter returned it; `null` when nobody is signed in. */
  readonly session: S | null;
  /** The session's user, typed as the getter types it; `null` when nobody is signed in. */
  readonly user: UserOf<S> | null;
}

/**
 * Who may download a field's file: the counterpart of `condition(request, instance)`.
 * Only a returned `true` grants (fail closed); one that throws is a 500, one that takes
 * longer than `timeoutMs` a 503, and both are denials (`downloadDenied`). `R` is the
 * record type `load` resolves to, `S` the session type the getter resolves to (see
 * `withSession` for conditions written inline).
 *
 * @example
 * ```ts
 * import type { Condition } from "next-private-files";
 *
 * type Invoice = { id: number; ownerId: number; pdf: string | null };
 *
 * // The seed's `is_owner`: an Int foreign key against the session's string id.
 * const isOwner: Condition<Invoice> = (request, invoice) =>
 *   request.user !== null && String(invoice.ownerId) === request.user.id;
 * ```
 */
export type Condition<R, S extends AnySession = Session> = (request: AccessRequest<S>, record: R) => boolean | Promise<boolean>;

/** The keys of a record whose value can hold a stored file path. */
export type FileKey<R> = {
  [K in keyof R]-?: R[K] extends string | null | undefined ? K : never;
}[keyof R] &
  string;

/** Per-field declaration: the counterpart of `PrivateFileField(upload_to=…, condition=…, attachment=…)`. */
export interface FieldOptions<R, S extends AnySession = Session> {
  /**
   * Folder, relative to the storage root, that uploads go to; or a function of the
   * original name. A string also confines downloads: a stored path outside this
   * folder is never served (404). A function confines only to the storage root. The
   * default, `""`, is the storage root itself.
   * @default ""
   */
  uploadTo?: string | ((originalName: string) => string);
  /**
   * Who may download (see {@link Condition}): any signed-in user by default.
   * @default signedIn
   */
  condition?: Condition<R, S>;
  /**
   * `true`: `Content-Disposition: attachment`. `false`: inline, but only for types that
   * cannot run script; HTML, SVG, XML and the like are always attachments.
   * @default true
   */
  attachment?: boolean;
  /**
   * Where the bytes live.
   * Unset: the config's `storage`.
   */
  storage?: FileStorage;
  /**
   * The name shown to people (URL segment and `Content-Disposition`): a record key that
   * holds the original upload name, or a function. An empty value falls back too.
   * Unset: the stored file's basename.
   */
  originalName?: FileKey<R> | ((record: R) => string);
  /**
   * `"status"`: 401/403 on denial. `"not-found"`: 404, hiding that the record exists.
   * @default "status"
   */
  denial?: "status" | "not-found";
  /**
   * Largest upload accepted for this field, in bytes.
   * Unset: the config's `maxUploadBytes`.
   */
  maxUploadBytes?: number;
  /**
   * The file types uploads may have, as MIME types the kit knows (`"application/pdf"`,
   * `"image/png"`, `"text/plain"`… see KNOWN_FILE_TYPES) or your own FileTypeRule.
   * An upload must carry one of their extensions and its leading bytes must fit
   * that type; otherwise `storeUpload` throws UnsupportedFileTypeError (415) before
   * anything is written. An unknown MIME type throws a TypeError at declaration.
   * Unset: any type.
   */
  allowedTypes?: readonly (string | FileTypeRule)[];
  /**
   * How the bytes are sent (stream, x-accel-redirect, x-sendfile, redirect).
   * Unset: the config's `delivery`.
   */
  delivery?: Delivery;
  /**
   * Links that work without a session (`signedFileUrl`): `{ signed: true }` for links
   * valid until they expire, `{ singleUse: true }` for one download.
   * Unset: the field accepts no links (a `?token=` is refused with 403).
   */
  links?: FieldLinkOptions;
  /**
   * Who may upload to this field and what, for the upload routes (`createUploadRoute`
   * from `next-private-files/tus`, `createDirectUploadRoute` from `next-private-files/direct`):
   * see {@link FieldUploadOptions}.
   * Unset: those routes refuse uploads to this field (`storeUpload` still works).
   */
  upload?: FieldUploadOptions<S>;
  /**
   * Resized copies of the field's images, by name: `{ thumb: { width: 320, format: "webp" } }`.
   * Each is made with sharp on its first request (`?variant=thumb`, or `?w=<n>` snapped to a
   * declared width), stored beside the original, and served under exactly the original's
   * condition and links (see docs/images.md). Only raster images get them (never SVG);
   * names are 1 to 64 of `a-z0-9-_`. The field's storage must be able to `put`.
   * Unset: no variants (`?variant=` is a 404).
   */
  variants?: Readonly<Record<string, VariantOptions>>;
}

/**
 * What an upload condition sees: who is uploading, and what they declare they will
 * send (before any byte arrives).
 */
export interface UploadRequest<S extends AnySession = Session> {
  /** The request that begins the upload (tus creation, direct-upload intent). */
  readonly request: Request;
  /** The session as the getter returned it; `null` when nobody is signed in. */
  readonly session: S | null;
  /** The session's user; `null` when nobody is signed in. */
  readonly user: UserOf<S> | null;
  /** The model key, as in `models`. */
  readonly model: string;
  /** The file field. */
  readonly field: string;
  /** The client's file name, cleaned (`uploadName`). */
  readonly name: string;
  /** The declared length, in bytes. */
  readonly size: number;
  /** The extra metadata the client sent (tus `Upload-Metadata`, the intent's `metadata`). */
  readonly metadata: Readonly<Record<string, string>>;
}

/**
 * Who may upload to a field. Only a returned `true` allows (fail closed): anonymous
 * callers refused get 401, signed-in ones 403.
 * @example
 * ```ts
 * import type { UploadCondition } from "next-private-files";
 *
 * // Any signed-in user may upload their own submissions.
 * const signedInUploads: UploadCondition = (request) => request.user !== null;
 * ```
 */
export type UploadCondition<S extends AnySession = Session> = (request: UploadRequest<S>) => boolean | Promise<boolean>;

/** A field's `upload` declaration: who may upload, how large, which types, whether the quota counts it. */
export interface FieldUploadOptions<S extends AnySession = Session> {
  /** Who may upload to this field (required: without it nobody may). */
  condition: UploadCondition<S>;
  /**
   * Largest file, in bytes, checked against the declared length before any byte is taken.
   * Unset: the field's `maxUploadBytes`, else the config's `maxUploadBytes`.
   */
  maxSize?: number;
  /**
   * The types uploads may have, as the field's `allowedTypes` are written; the first
   * bytes are checked against the type the extension names as soon as they arrive.
   * Unset: the field's `allowedTypes` (unset too: any type).
   */
  allowedTypes?: readonly (string | FileTypeRule)[];
  /**
   * Whether these uploads count against the config's per-user quota (`uploads.quotaBytes`).
   * @default true
   */
  quota?: boolean;
}

/** How one Prisma model is read. `R` flows from `load` into conditions and hook listeners. */
export interface ModelSource<R, Id> {
  /** Turns the `<id>` URL segment into the key type, and back. */
  id: IdCodec<Id>;
  /**
   * Loads a record by id, typically `(id) => prisma.model.findUnique({ where: { id } })`.
   * `null` or `undefined` (as Drizzle's `findFirst` gives): no such record, 404.
   */
  load: (id: Id) => PromiseLike<R | null | undefined>;
  /**
   * Reads a record's id for URLs.
   * @default (record) => record.id
   */
  idOf?: (record: R) => Id;
}

/** The refusals the route may answer with a page for people (`refusalPage`). */
export type RefusalStatus = 401 | 403 | 404 | 410;

/** What `refusalPage` is told about a refused browser navigation. */
export interface Refusal {
  /** The status the answer keeps: 401 (anonymous, no `signInUrl`), 403, 404, or 410 (a used single-use link). */
  readonly status: RefusalStatus;
  /**
   * Set when a `?token=` link was refused: its short reason (`"link expired"`,
   * `"link already used"`…, the same words as the plain-text answer) and `LinkDenialReason`.
   */
  readonly link?: { readonly reason: LinkDenialReason; readonly message: string };
  /** The navigation refused (its URL, headers). Never echo parts of it into the page unescaped. */
  readonly request: Request;
}

/**
 * Renders the HTML body of a refusal for a browser navigation: a whole document
 * (`<!doctype html>…`). Called only for a GET that is a navigation; API clients keep
 * the plain-text answers. The page is sent with the refusal's status and no file
 * header, under a Content-Security-Policy that allows inline styles and same-origin
 * images only (no script).
 */
export type RefusalPage = (refusal: Refusal) => string;

/**
 * Where the kit reports problems (the `logger` option): pino, winston and `console` fit.
 * Messages never carry file contents, cookies or tokens.
 */
export interface Logger {
  /** Something refused that may be an attack or bad data: a stored path outside its folder, a missing file. */
  warn(message: string, details?: Record<string, unknown>): void;
  /** Something that failed: the database, storage, a condition or a hook. */
  error(message: string, details?: Record<string, unknown>): void;
}
