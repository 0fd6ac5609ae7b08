import { compiledModel, type AnyPrivateModel, type CompiledField, type CompiledModel, type FieldOf, type RecordOf } from "./model.js";
import type { AnySession, Logger, RefusalPage, Session, SessionGetter } from "./types.js";
import { defaultStorageRoot, localFileStorage } from "../storage/local.js";
import type { FileStorage } from "../storage/types.js";
import { consoleLogger } from "./logger.js";
import type { Delivery } from "../delivery/types.js";
import { deliveryModeName, deliveryModeOf } from "../delivery/registry.js";
import type { ResolvedLinks } from "../links/check-link.js";
import { createLink, DEFAULT_MAX_EXPIRES_IN } from "../links/create-link.js";
import { linkSecrets } from "../links/secrets.js";
import { formatFilePath } from "../route/parse-path.js";
import type { LinkRecord } from "../links/store.js";
import type { CreateLinkOptions, FileLink, LinksOptions } from "../links/types.js";
import { allowedHosts, isAllowedHost } from "../http/allowed-host.js";
import { DEFAULT_IDLE_TIMEOUT_MS } from "../limits/idle-timeout.js";
import type { Scanner } from "../scan/types.js";
import type { UploadRefusedListener } from "../hooks/upload-refused.js";
import { resolveUploadLimits, type ResolvedUploadLimits, type UploadLimitsOptions } from "../limits/upload-limits.js";
import type { DownloadListener } from "../hooks/pre-download.js";
import type { DenialListener } from "../hooks/download-denied.js";
import type { DownloadFinishedListener } from "../hooks/download-finished.js";
import { resolveImages, type ImageOptions, type ResolvedImages } from "../variants/settings.js";
import type { VariantGeneratedListener } from "../variants/events.js";

declare const SESSION_OF_FILES: unique symbol;

/**
 * The session type a getter resolves to, inferred from the getter itself (not from the
 * models): a getter that only ever resolves `null` says nothing, and stands for `Session`.
 * (Inferring `S` straight from `SessionGetter<S>` falls back to the bare `AnySession`
 * for such a getter, which no model written for the kit's `Session` would fit.)
 */
type GetterSession<G> = G extends (request: Request) => Promise<infer X> ? ([Exclude<X, null>] extends [never] ? Session : Extract<X, AnySession>) : never;

/** A listener, or several run in order. */
type OneOrMany<T> = T | readonly T[];

/**
 * Listeners of one configuration's downloads (`definePrivateFiles({ on })`): unlike the
 * module-level `preDownload.connect(...)`, another configuration in the same process
 * never sees them. `R` is the record type of any of its models (narrow by `event.model`).
 * They run after the module-level listeners of the same event, and alike: `preDownload`
 * is awaited before the first byte (a throw aborts with 500), `downloadDenied` before
 * the refusal goes out, `downloadFinished` after the body ended.
 * @example
 * ```ts
 * import { definePrivateFiles, intId, privateModel } from "next-private-files";
 *
 * type Report = { id: number; file: string | null; downloads: number };
 * declare const prisma: { report: { findUnique(args: { where: { id: number } }): Promise<Report | null>; update(args: { where: { id: number }; data: { downloads: { increment: number } } }): Promise<Report> } };
 *
 * const reports = privateModel({ id: intId, load: (id) => prisma.report.findUnique({ where: { id } }) }).fields({ file: {} });
 * export const privateFiles = definePrivateFiles({
 *   models: { reports },
 *   getSession: async () => null,
 *   on: {
 *     preDownload: async ({ record }) => {
 *       await prisma.report.update({ where: { id: record.id }, data: { downloads: { increment: 1 } } });
 *     },
 *   },
 * });
 * ```
 */
export interface PrivateFilesHooks<R, S extends AnySession = Session> {
  /**
   * Before the first byte of a granted GET.
   * Unset: none.
   */
  preDownload?: OneOrMany<DownloadListener<R, S>>;
  /**
   * Before a refusal goes out.
   * Unset: none.
   */
  downloadDenied?: OneOrMany<DenialListener<R, S>>;
  /**
   * After a granted download's body ended (completed, aborted or failed).
   * Unset: none.
   */
  downloadFinished?: OneOrMany<DownloadFinishedListener<R, S>>;
  /**
   * When a finished upload is refused after its bytes arrived (malware, scanner down,
   * wrong type, wrong size), before the refusal is answered: the place for an audit row.
   * Unset: none.
   */
  uploadRefused?: OneOrMany<UploadRefusedListener<S>>;
  /**
   * After an image variant was made and stored (on its first request, or at upload time
   * with `pregenerate`), in the background: count resizes, watch their cost.
   * Unset: none.
   */
  variantGenerated?: OneOrMany<VariantGeneratedListener>;
}

/** The record type of any model of a configuration. */
type AnyRecordOf<M> = { [K in keyof M]: RecordOf<M[K]> }[keyof M];

/**
 * What `definePrivateFiles` takes: the protected models, how to read the session, and
 * the settings every field shares unless it names its own. `S` is the getter's session
 * type: every model's conditions must accept it, and the `on` listeners see it.
 */
export interface PrivateFilesOptions<M extends Record<string, AnyPrivateModel<S>>, S extends AnySession = Session> {
  /** The protected models, by the key that names them in URLs: `/files/<key>/<field>/<id>/<name>`. */
  models: M;
  /**
   * Reads the request's session: `nextAuthSession(authOptions)` (next-auth 4),
   * `authjsSession(config)` (Auth.js 5), `betterAuthSession(auth)` (Better Auth), or any
   * `(request) => Promise<session | null>` whose session has a `user` with a string `id`.
   */
  getSession: SessionGetter<S>;
  /**
   * Default storage for fields that name none: local files under `PRIVATE_FILES_ROOT`,
   * else `./data/files` (made on first use, not at start-up).
   * @default localFileStorage({ root: defaultStorageRoot() })
   */
  storage?: FileStorage;
  /**
   * Public path the catch-all route is mounted at (`app/files/[...path]/route.ts` for the
   * default); leading and trailing slashes are trimmed.
   * @default "/files"
   */
  basePath?: string;
  /**
   * Where a browser navigation without a session is sent (with `callbackUrl`).
   * Unset: a plain 401.
   */
  signInUrl?: string;
  /**
   * The HTML page a browser navigation gets with a 401, 403 or 404 (`Sec-Fetch-Mode:
   * navigate`, or `Accept: text/html` without it). The status never changes, and an
   * anonymous navigation still goes to `signInUrl` when that is set.
   * Unset: the plain-text answers.
   */
  refusalPage?: RefusalPage;
  /**
   * Default upload size limit in bytes, for fields that set no `maxUploadBytes` (50 MiB).
   * @default 52_428_800
   */
  maxUploadBytes?: number;
  /**
   * `Retry-After` seconds on 503 when the database or storage fails.
   * @default 5
   */
  retryAfterSeconds?: number;
  /**
   * Longest wait, in milliseconds, for each of: the record and session lookup, the
   * field's condition, the `preDownload` listeners, the `downloadDenied` listeners.
   * Past it the route answers 503 (a hung database or hook never holds a request
   * forever). `Infinity` waits forever; zero or a negative value throws at start-up.
   * @default 10_000
   */
  timeoutMs?: number;
  /**
   * Longest pause, in milliseconds, of a client on the other end of a transfer. A
   * download whose client reads nothing for this long is cut off and its file closed
   * (the route hands over up to 512 KiB at a time, so a client must take that much per
   * period); an upload that sends nothing for this long is refused with 408 and its
   * temp file removed. `Infinity` waits forever; zero or a negative value throws at start-up.
   * @default 60_000
   */
  idleTimeoutMs?: number;
  /**
   * Per-user storage quota and concurrent-upload limit, enforced by `storeUpload` and the
   * upload routes; where unfinished uploads are kept (`pending`).
   * Unset: no per-user limits, pending uploads in memory.
   */
  uploads?: UploadLimitsOptions;
  /**
   * Scans every completed upload, on every path (`storeUpload`, tus, direct), before any
   * record can exist: `clamdScanner(...)` from `next-private-files/clamav`, or your own.
   * Infected: the bytes are deleted, 422, `on.uploadRefused`. Scanner down: 503, nothing kept.
   * Unset: no scan.
   */
  scan?: Scanner;
  /**
   * How granted bytes are sent, for fields that name none.
   * @default "stream"
   */
  delivery?: Delivery;
  /**
   * Signed and single-use links (fields opt in with their `links` option).
   * Unset: every `LinksOptions` default (secrets from the environment, read when a link
   * is first made or checked; no store, so links are stateless and single-use links
   * are refused at start-up).
   */
  links?: LinksOptions;
  /**
   * The app's own origins (`https://files.example.com`; see `appOrigins`), or a function
   * that returns them, called once on the first request (so that settings read at run
   * time, not at build time, count). When set, the file route answers 421 to a request
   * whose `Host` is none of theirs (DNS rebinding), with one header read and one set
   * lookup; the upload helpers' Origin check (`readMultipart`'s `origins`) uses them too.
   * Unset: any Host is served.
   */
  origins?: readonly string[] | (() => readonly string[]);
  /**
   * Where the kit reports what went wrong (a failing database, condition, hook or
   * storage; a stored path refused).
   * Unset: `console.warn` and `console.error`, one line each, prefixed `[private-files]`.
   */
  logger?: Logger;
  /**
   * How image variants are made (for fields that declare `variants`): the locker that
   * makes concurrent first requests resize once, the resize concurrency, the input limits.
   * Unset: every `ImageOptions` default (in-process locker, 2 resizes at once, originals
   * up to 100 megapixels and 64 MiB).
   */
  images?: ImageOptions;
  /**
   * Listeners of this configuration's downloads alone (see PrivateFilesHooks).
   * Unset: none; the module-level `preDownload.connect(...)` listeners run either way.
   */
  on?: PrivateFilesHooks<AnyRecordOf<M>, S>;
}

export interface ResolvedModel {
  readonly key: string;
  /** The declared model: the `sender` hook listeners connect with. */
  readonly model: AnyPrivateModel;
  readonly compiled: CompiledModel;
}

/** The configuration with its defaults applied, built once, read by the route on every request. */
export interface ResolvedConfig {
  readonly models: ReadonlyMap<string, ResolvedModel>;
  readonly getSession: SessionGetter<AnySession>;
  readonly basePath: string;
  readonly signInUrl: string | undefined;
  readonly refusalPage: RefusalPage | undefined;
  readonly maxUploadBytes: number;
  readonly retryAfterSeconds: number;
  readonly timeoutMs: number;
  readonly idleTimeoutMs: number;
  readonly uploads: ResolvedUploadLimits;
  readonly logger: Logger;
  /** The `on` option's listeners, as lists. */
  readonly hooks: {
    readonly preDownload: readonly DownloadListener<unknown, AnySession>[];
    readonly downloadDenied: readonly DenialListener<unknown, AnySession>[];
    readonly downloadFinished: readonly DownloadFinishedListener<unknown, AnySession>[];
    readonly uploadRefused: readonly UploadRefusedListener<AnySession>[];
    readonly variantGenerated: readonly VariantGeneratedListener[];
  };
  /** The `images` option resolved: how variants are made. */
  readonly images: ResolvedImages;
  /** The `scan` option; undefined: no scan. */
  readonly scan: Scanner | undefined;
  readonly links: ResolvedLinks;
  /** The `origins` option, resolved on first use; `undefined` when unset. */
  origins(): readonly string[] | undefined;
  /** Whether the file route serves this request's `Host` (always, when `origins` is unset). */
  hostAllowed(request: Request): boolean;
  deliveryOf(field: CompiledField): Delivery;
  storageOf(field: CompiledField): FileStorage;
}

/**
 * A typed, validated set of private-file declarations, made by `definePrivateFiles`:
 * pass it to `createPrivateFileRoute`, `storeUpload` and `readMultipart`, and ask it for
 * the URLs of records' files. `S` is the session type of its getter.
 */
// The models' fit with S is checked where both are given (definePrivateFiles), so that
// code generic in M (the route, storeUpload) takes PrivateFiles<M, AnySession>.
export interface PrivateFiles<M extends Record<string, AnyPrivateModel>, S extends AnySession = Session> {
  /** Type-only: the getter's session type, so that `PrivateFiles<M, S>` keeps it; never set at run time. */
  readonly [SESSION_OF_FILES]?: S;
  /** The models as declared (the `models` option). */
  readonly models: M;
  /**
   * The download URL of a record's file: `/files/<model>/<field>/<id>/<name>`, each
   * segment percent-encoded, relative to the site; with `{ variant: "thumb" }`, that
   * image variant's (`...?variant=thumb`).
   * @throws {TypeError} when the model has no such field, the record's field is empty,
   * or the field declares no such variant.
   * @example
   * ```tsx
   * import type { PrivateFiles, PrivateModel } from "next-private-files";
   *
   * type Invoice = { id: number; pdf: string | null };
   * declare const privateFiles: PrivateFiles<{ invoices: PrivateModel<Invoice, number, "pdf"> }>;
   * declare const invoice: Invoice;
   *
   * const link = <a href={privateFiles.fileUrl("invoices", "pdf", invoice)}>Download the invoice</a>;
   * ```
   * @example
   * ```tsx
   * import type { PrivateFiles, PrivateModel } from "next-private-files";
   *
   * type Photo = { id: number; image: string | null };
   * declare const privateFiles: PrivateFiles<{ photos: PrivateModel<Photo, number, "image"> }>;
   * declare const photo: Photo;
   *
   * // The field declares `variants: { thumb: { width: 320, format: "webp" } }`.
   * const thumb = <img src={privateFiles.fileUrl("photos", "image", photo, { variant: "thumb" })} alt="" />;
   * ```
   */
  fileUrl<K extends keyof M & string>(model: K, field: FieldOf<M[K]>, record: RecordOf<M[K]>, options?: FileUrlOptions): string;
  /**
   * What a field's uploads may be, for an upload form (the server checks again):
   * `maxBytes`, its `maxUploadBytes` else the config's; `extensions`, those of its
   * `allowedTypes` (`[".pdf"]`…), empty when any type goes.
   * @throws {TypeError} when the model has no such field.
   * @example
   * ```tsx
   * import type { PrivateFiles, PrivateModel } from "next-private-files";
   *
   * declare const privateFiles: PrivateFiles<{ invoices: PrivateModel<{ id: number; pdf: string | null }, number, "pdf"> }>;
   *
   * const { maxBytes, extensions } = privateFiles.uploadPolicy("invoices", "pdf");
   * const input = <input type="file" name="file" accept={extensions.join(",")} data-max-bytes={maxBytes} />;
   * ```
   */
  uploadPolicy<K extends keyof M & string>(model: K, field: FieldOf<M[K]>): UploadPolicy;
  /** The `idleTimeoutMs` option with its default applied (60_000): pass it to `readMultipart`. */
  readonly idleTimeoutMs: number;
  /** The `uploads` option resolved (quota, slots): what `assertWithinQuota` takes. */
  readonly uploadLimits: ResolvedUploadLimits;
  /** The `origins` option, resolved on first call; `undefined` when unset. Pass it to `readMultipart`. */
  origins(): readonly string[] | undefined;
  /**
   * The file's URL with a `?token=` that grants it without a session, until it expires
   * (`singleUse`: for one download). The field must accept the kind of link (its `links`
   * option). Relative to the site, like `fileUrl`. Signing reads the link secret
   * (`links.secrets`, else `PRIVATE_FILES_LINK_SECRET`) on first use.
   * @throws {TypeError} when the field does not accept that kind of link, or the record's field is empty.
   * @throws {RangeError} when `expiresIn` is not a whole number of seconds within the field's `maxExpiresIn`.
   * @throws {LinkSecretError} when no secret is configured, or one is shorter than 32 characters.
   * @example
   * ```ts
   * import type { PrivateFiles, PrivateModel } from "next-private-files";
   *
   * type Invoice = { id: number; pdf: string | null };
   * declare const privateFiles: PrivateFiles<{ invoices: PrivateModel<Invoice, number, "pdf"> }>;
   * declare const invoice: Invoice;
   *
   * // A link that works for one day, without signing in (the field has `links: { signed: true }`).
   * const url = await privateFiles.signedFileUrl("invoices", "pdf", invoice, { expiresIn: 24 * 3600 });
   * const shared = new URL(url, "https://app.example.com").href;
   * ```
   */
  signedFileUrl<K extends keyof M & string>(model: K, field: FieldOf<M[K]>, record: RecordOf<M[K]>, options?: CreateLinkOptions): Promise<string>;
  /**
   * `signedFileUrl`, with the link's id (to revoke it) and expiry. Throws as `signedFileUrl` does.
   * @example
   * ```ts
   * import type { PrivateFiles, PrivateModel } from "next-private-files";
   *
   * type Invoice = { id: number; pdf: string | null };
   * declare const privateFiles: PrivateFiles<{ invoices: PrivateModel<Invoice, number, "pdf"> }>;
   * declare const invoice: Invoice;
   *
   * const link = await privateFiles.createFileLink("invoices", "pdf", invoice, { singleUse: true, createdBy: "42" });
   * // later, with `links.store` configured:
   * await privateFiles.links.revoke(link.id);
   * ```
   */
  createFileLink<K extends keyof M & string>(model: K, field: FieldOf<M[K]>, record: RecordOf<M[K]>, options?: CreateLinkOptions): Promise<FileLink>;
  /** The recorded links; each method throws a TypeError without `links.store`. */
  readonly links: {
    /** The link with this id as the store keeps it; `null` when there is none. */
    find(id: string): Promise<LinkRecord | null>;
    /** Revokes a link: from now on it gets 403. `false` when there is no such link. */
    revoke(id: string): Promise<boolean>;
    /** Deletes expired links and single-use links used longer ago than the resume window; returns how many. */
    prune(now?: Date): Promise<number>;
  };
}

/** Options of `fileUrl`. */
export interface FileUrlOptions {
  /**
   * A declared image variant of the field (`"thumb"`): its URL instead of the original's.
   * Unset: the original.
   */
  readonly variant?: string;
}

/** What `uploadPolicy()` tells an upload form. */
export interface UploadPolicy {
  /** The largest upload accepted, in bytes. */
  readonly maxBytes: number;
  /** The extensions accepted (`".pdf"`…), lowercase with their dot; empty: any. */
  readonly extensions: readonly string[];
}

const MiB = 1024 * 1024;

/**
 * Declares the app's private files: which models hold files, who may download them, and
 * how. Call it once, in a module of its own (`lib/private-files.ts`), and pass the result
 * to `createPrivateFileRoute` for `app/files/[...path]/route.ts`. The counterpart of
 * django-private-files' settings and `PrivateFileField`s together.
 *
 * The options are checked here, at start-up, so a mistake fails `next build` or the first
 * import, not a download: a model key with a `/`, a `redirect` delivery on a storage that
 * cannot presign URLs, image `variants` on one that cannot `put`, single-use links
 * without `links.store`, a bad `uploads` limit or `images` option.
 * Link secrets and the default storage are only read when first needed.
 *
 * @param options - The models, the session getter and the shared settings.
 * @returns The typed declarations: `fileUrl`, `signedFileUrl`, `uploadPolicy`… (see {@link PrivateFiles}).
 * @throws {TypeError} when the options are inconsistent (see above).
 * @example
 * ```ts
 * // lib/private-files.ts
 * import type { AuthOptions } from "next-auth";
 * import { definePrivateFiles, intId, owner, privateModel } from "next-private-files";
 * import { nextAuthSession } from "next-private-files/next-auth";
 *
 * type Invoice = { id: number; ownerId: string; pdf: string | null };
 * declare const prisma: { invoice: { findUnique(args: { where: { id: number } }): Promise<Invoice | null> } };
 * declare const authOptions: AuthOptions; // your app's, as passed to NextAuth()
 *
 * export const invoices = privateModel({
 *   id: intId,
 *   load: (id) => prisma.invoice.findUnique({ where: { id } }),
 * }).fields({
 *   pdf: { uploadTo: "invoices", condition: owner("ownerId") },
 * });
 *
 * export const privateFiles = definePrivateFiles({
 *   models: { invoices },
 *   getSession: nextAuthSession(authOptions),
 *   signInUrl: "/signin",
 * });
 * ```
 */
export function definePrivateFiles<M extends Record<string, AnyPrivateModel<GetterSession<G>>>, G extends SessionGetter<AnySession> = SessionGetter>(
  options: PrivateFilesOptions<M, GetterSession<G>> & { getSession: G },
): PrivateFiles<M, GetterSession<G>> {
  return buildPrivateFiles(options);
}

/** `definePrivateFiles` with the session type given rather than inferred (`withSession`'s); not public. */
export function buildPrivateFiles<M extends Record<string, AnyPrivateModel<S>>, S extends AnySession>(options: PrivateFilesOptions<M, S>): PrivateFiles<M, S> {
  const basePath = normaliseBasePath(options.basePath ?? "/files");
  const models = new Map<string, ResolvedModel>();
  for (const [key, model] of Object.entries(options.models)) {
    if (key === "" || key.includes("/")) throw new TypeError(`invalid model key ${JSON.stringify(key)}`);
    models.set(key, { key, model, compiled: compiledModel(model) });
  }
  let defaultStorage = options.storage;
  let secrets: readonly string[] | undefined;
  const links: ResolvedLinks = {
    // Read (and checked) on first use, not at start-up, so `next build` needs no secret;
    // then kept, rather than re-parsed on every link request.
    secrets: () => (secrets ??= linkSecrets(options.links?.secrets)),
    store: options.links?.store,
    resumeWindowSeconds: options.links?.resumeWindowSeconds ?? 600,
  };
  let origins: readonly string[] | undefined;
  let hosts: ReadonlySet<string> | undefined;
  const resolveOrigins = () => {
    if (options.origins === undefined) return undefined;
    return (origins ??= typeof options.origins === "function" ? options.origins() : options.origins);
  };
  const config: ResolvedConfig = {
    models,
    getSession: options.getSession as SessionGetter<AnySession>,
    basePath,
    signInUrl: options.signInUrl,
    refusalPage: options.refusalPage,
    maxUploadBytes: options.maxUploadBytes ?? 50 * MiB,
    retryAfterSeconds: options.retryAfterSeconds ?? 5,
    timeoutMs: positive(options.timeoutMs, "timeoutMs") ?? 10_000,
    idleTimeoutMs: positive(options.idleTimeoutMs, "idleTimeoutMs") ?? DEFAULT_IDLE_TIMEOUT_MS,
    uploads: resolveUploadLimits(options.uploads),
    logger: options.logger ?? consoleLogger,
    hooks: {
      preDownload: listOf(options.on?.preDownload) as readonly DownloadListener<unknown, AnySession>[],
      downloadDenied: listOf(options.on?.downloadDenied) as readonly DenialListener<unknown, AnySession>[],
      downloadFinished: listOf(options.on?.downloadFinished) as readonly DownloadFinishedListener<unknown, AnySession>[],
      uploadRefused: listOf(options.on?.uploadRefused) as readonly UploadRefusedListener<AnySession>[],
      variantGenerated: listOf(options.on?.variantGenerated),
    },
    images: resolveImages(options.images),
    scan: options.scan,
    links,
    origins: resolveOrigins,
    hostAllowed(request) {
      const own = resolveOrigins();
      if (own === undefined) return true;
      return isAllowedHost(request, (hosts ??= allowedHosts(own)));
    },
    deliveryOf: (field) => field.delivery ?? options.delivery ?? "stream",
    storageOf(field) {
      if (field.storage) return field.storage;
      defaultStorage ??= localFileStorage({ root: defaultStorageRoot() });
      return defaultStorage;
    },
  };

  assertDeliveriesFit(config);
  assertLinksFit(config);
  assertVariantsFit(config, options.storage);

  const requireStore = () => {
    if (!links.store) throw new TypeError("recorded links need links.store in the config");
    return links.store;
  };

  const lookup = (modelKey: string, fieldName: string) => {
    const model = models.get(modelKey);
    const field = model?.compiled.fields.get(fieldName);
    return model && field ? { model, field } : undefined;
  };

  /** A record's field (or one of its variants): its URL and what a link to it signs. */
  const locate = (modelKey: string, fieldName: string, record: unknown, variant: string | undefined) => {
    const found = lookup(modelKey, fieldName);
    if (!found) throw new TypeError(`no private file field ${modelKey}.${fieldName}`);
    if (variant !== undefined && !found.field.variants?.has(variant)) {
      throw new TypeError(`${modelKey}.${fieldName} declares no variant ${JSON.stringify(variant)}`);
    }
    const name = found.field.fileName(record);
    const storedPath = found.field.storedPath(record);
    if (name === null || storedPath === null) throw new TypeError(`${modelKey}.${fieldName} is empty on this record`);
    const compiled = found.model.compiled;
    const recordId = compiled.id.format(compiled.idOf(record));
    const path = formatFilePath(basePath, { model: modelKey, field: fieldName, id: recordId, filename: name });
    const url = variant === undefined ? path : `${path}?variant=${variant}`;
    return { url, field: found.field, file: { model: modelKey, field: fieldName, recordId, storedPath, variant: variant ?? null } };
  };

  // Plain functions (no `this`), so `const { signedFileUrl } = privateFiles` works.
  const createFileLink = (modelKey: string, fieldName: string, record: unknown, linkOptions: CreateLinkOptions = {}): Promise<FileLink> => {
    const { url, field, file } = locate(modelKey, fieldName, record, linkOptions.variant);
    return createLink(url, file, field.links, links, linkOptions);
  };

  const files: PrivateFiles<M, S> = {
    models: options.models,
    uploadPolicy(modelKey, fieldName) {
      const found = lookup(modelKey, fieldName);
      if (!found) throw new TypeError(`no private file field ${modelKey}.${fieldName}`);
      const { maxUploadBytes, allowedTypes } = found.field;
      return { maxBytes: maxUploadBytes ?? config.maxUploadBytes, extensions: allowedTypes?.flatMap((rule) => rule.extensions) ?? [] };
    },
    idleTimeoutMs: config.idleTimeoutMs,
    uploadLimits: config.uploads,
    origins: resolveOrigins,
    fileUrl: (modelKey, fieldName, record, urlOptions) => locate(modelKey, fieldName, record, urlOptions?.variant).url,
    signedFileUrl: async (modelKey, fieldName, record, linkOptions = {}) => (await createFileLink(modelKey, fieldName, record, linkOptions)).url,
    createFileLink,
    links: {
      find: (id) => requireStore().find(id),
      revoke: (id) => requireStore().revoke(id, new Date()),
      prune(now = new Date()) {
        return requireStore().prune({ expiredBefore: now, usedBefore: new Date(now.getTime() - links.resumeWindowSeconds * 1000) });
      },
    },
  };
  internals.set(files, { config, field: lookup });
  return files;
}

/** What the route and the upload helpers read of a `definePrivateFiles()` result; not public. */
export interface PrivateFilesInternals {
  readonly config: ResolvedConfig;
  field(model: string, field: string): { model: ResolvedModel; field: CompiledField } | undefined;
}

const internals = new WeakMap<object, PrivateFilesInternals>();

/** The resolved configuration behind a `definePrivateFiles()` result; throws for anything else. */
export function internalsOf(files: object): PrivateFilesInternals {
  const found = internals.get(files);
  if (!found) throw new TypeError("not a private-files configuration: make it with definePrivateFiles(...)");
  return found;
}

function listOf<T>(value: OneOrMany<T> | undefined): readonly T[] {
  if (value === undefined) return [];
  return typeof value === "function" ? [value] : (value as readonly T[]);
}

function positive(value: number | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!(value > 0)) throw new TypeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function normaliseBasePath(basePath: string): string {
  const trimmed = `/${basePath.replace(/^\/+|\/+$/g, "")}`;
  return trimmed === "/" ? "" : trimmed;
}

/**
 * `redirect` needs a storage that presigns URLs: refuse the configuration at start-up,
 * rather than with a 500 on the first granted download. (Whether a storage has files on
 * this machine, which `x-sendfile` needs, is only known once a file is opened.)
 */
function assertDeliveriesFit(config: ResolvedConfig): void {
  for (const { key, compiled } of config.models.values()) {
    for (const field of compiled.fields.values()) {
      const delivery = config.deliveryOf(field);
      // A plain-JavaScript config can name a mode that does not exist: refuse it here.
      if (!deliveryModeOf(delivery)) throw new TypeError(`${key}.${field.name}: unknown delivery mode ${JSON.stringify(deliveryModeName(delivery))}`);
      if (delivery !== "stream" && delivery.mode === "redirect" && !config.storageOf(field).presignedUrl) {
        throw new TypeError(`${key}.${field.name}: delivery "redirect" needs a storage that presigns URLs (s3Storage), not local files`);
      }
    }
  }
}

/**
 * Variants are written with `put`: a field that declares them on a storage without it
 * is refused at start-up, as `redirect` without presigned URLs is.
 */
function assertVariantsFit(config: ResolvedConfig, configured: FileStorage | undefined): void {
  for (const { key, compiled } of config.models.values()) {
    for (const field of compiled.fields.values()) {
      // Unset: the default local storage, made on first use (not here), which can put.
      const storage = field.storage ?? configured;
      if (field.variants && storage && typeof storage.put !== "function") {
        throw new TypeError(`${key}.${field.name}: variants need a storage that can put files at a given path (localFileStorage, s3Storage)`);
      }
    }
  }
}

/** Single-use links need a store; a lifetime cap must be a whole number of seconds. Checked at start-up. */
function assertLinksFit(config: ResolvedConfig): void {
  for (const { key, compiled } of config.models.values()) {
    for (const field of compiled.fields.values()) {
      const accepted = field.links;
      if (accepted?.singleUse && !config.links.store) {
        throw new TypeError(`${key}.${field.name}: single-use links need links.store in the config (a table every app instance shares)`);
      }
      const max = accepted?.maxExpiresIn ?? DEFAULT_MAX_EXPIRES_IN;
      if (!Number.isInteger(max) || max <= 0) throw new TypeError(`${key}.${field.name}: links.maxExpiresIn must be a whole number of seconds`);
    }
  }
}
