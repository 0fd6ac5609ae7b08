import path from "node:path";
import type { AnySession, Condition, FieldOptions, FileKey, ModelSource, Session, UploadCondition } from "./types.js";
import type { IdCodec } from "./ids.js";
import type { FileStorage } from "../storage/types.js";
import { relativeFolder, relativeSegments } from "../storage/safe-path.js";
import { fileTypeRules, type FileTypeRule } from "../upload/file-types.js";
import type { Delivery } from "../delivery/types.js";
import type { FieldLinkOptions } from "../links/types.js";
import { compileVariants, type CompiledVariants } from "../variants/options.js";

// Type-only markers: they carry a model's record and id types from `privateModel()`
// to `fileUrl()`, conditions and hook listeners, and never exist at run time.
declare const RECORD_TYPE: unique symbol;
declare const ID_TYPE: unique symbol;
declare const FIELD_NAMES: unique symbol;
declare const SESSION_TYPE: unique symbol;
declare const MODEL_BRAND: unique symbol;

/** A field declaration with its defaults applied, erased to `unknown` records for the core. */
export interface CompiledField {
  readonly name: string;
  readonly condition: Condition<unknown, AnySession> | undefined;
  readonly attachment: boolean;
  readonly storage: FileStorage | undefined;
  readonly uploadTo: (originalName: string) => string;
  readonly denial: "status" | "not-found";
  readonly maxUploadBytes: number | undefined;
  /** How the bytes are sent; undefined: the config's. */
  readonly delivery: Delivery | undefined;
  /** The types uploads may have; undefined: any. */
  readonly allowedTypes: readonly FileTypeRule[] | undefined;
  /** Which links the field accepts; undefined: none. */
  readonly links: FieldLinkOptions | undefined;
  /** The upload routes' declaration; undefined: they refuse this field. */
  readonly upload: CompiledUpload | undefined;
  /** The declared image variants, in declaration order; undefined: none. */
  readonly variants: CompiledVariants | undefined;
  /** The stored path on a record, or null when the field is empty. */
  storedPath(record: unknown): string | null;
  /**
   * Whether a stored path lies inside this field's folder (a static `uploadTo`):
   * a record edited to point into another field's or model's folder is never served.
   */
  owns(stored: string): boolean;
  /** The name people see (URL segment, Content-Disposition): the kept original name, else the stored basename; null when the field is empty. */
  fileName(record: unknown): string | null;
}

/** A field's `upload` declaration with the field's own limits filled in (the config's `maxUploadBytes` is applied at use). */
export interface CompiledUpload {
  readonly condition: UploadCondition<AnySession>;
  /** Largest file; undefined: the config's `maxUploadBytes`. */
  readonly maxSize: number | undefined;
  /** The allowed types; undefined: any. */
  readonly allowedTypes: readonly FileTypeRule[] | undefined;
  /** Whether the per-user quota counts these uploads. */
  readonly quota: boolean;
}

export interface CompiledModel {
  readonly id: IdCodec<unknown>;
  load(id: unknown): PromiseLike<unknown>;
  idOf(record: unknown): unknown;
  readonly fields: ReadonlyMap<string, CompiledField>;
}

/**
 * A declared private model: what `privateModel()` returns and `preDownload` takes as
 * `sender`. `S` is the session type its conditions read; a configuration's getter must
 * resolve to a session of that type (or a richer one).
 */
export interface PrivateModel<R, Id, F extends string = string, S extends AnySession = Session> {
  /** Type-only: the record type, read by `RecordOf`; never set at run time. */
  readonly [RECORD_TYPE]?: R;
  /** Type-only: the id type, read by `IdOf`; never set at run time. */
  readonly [ID_TYPE]?: Id;
  /** Type-only: the file field names, read by `FieldOf`; never set at run time. */
  readonly [FIELD_NAMES]?: F;
  /**
   * Type-only: the session type, read by `SessionOfModel`; a parameter position so that a
   * model whose conditions read less of the session fits a richer getter, never the reverse.
   */
  readonly [SESSION_TYPE]?: (session: S) => void;
  /** Only `privateModel()` makes one. */
  readonly [MODEL_BRAND]: true;
}

// The declaration with its defaults applied, kept out of the public object: the route
// reads it through compiledModel(), applications never see it.
const compiledModels = new WeakMap<object, CompiledModel>();

/** The compiled declaration of a model made by `privateModel()`; throws for anything else. */
export function compiledModel(model: AnyPrivateModel): CompiledModel {
  const compiled = compiledModels.get(model);
  if (!compiled) throw new TypeError("not a declared model: make it with privateModel(...).fields(...)");
  return compiled;
}

/**
 * Any declared model, whatever its record type; with `S`, any whose conditions accept
 * a session of type `S`.
 */
// `never` for the session's parameter position: every model's (session: X) => void fits.
export type AnyPrivateModel<S extends AnySession = never> = PrivateModel<unknown, unknown, string, S>;

/** The record type of a declared model (what `load` resolves to): `RecordOf<typeof invoices>`. */
export type RecordOf<M> = M extends PrivateModel<infer R, unknown, string, never> ? R : never;
/** The id type of a declared model (what its `IdCodec` parses): `IdOf<typeof invoices>`. */
export type IdOf<M> = M extends PrivateModel<unknown, infer Id, string, never> ? Id : never;
/** The file field names of a declared model: `FieldOf<typeof invoices>` is `"pdf"`. */
export type FieldOf<M> = M extends PrivateModel<unknown, unknown, infer F, never> ? F : never;
/** The session type a declared model's conditions read: `SessionOfModel<typeof invoices>`. */
export type SessionOfModel<M> = M extends PrivateModel<unknown, unknown, string, infer S> ? S : never;

/**
 * The first half of a declaration: how records are found. `S` is the session type the
 * fields' conditions see (`Session` unless the builder came from `withSession`).
 */
export interface ModelBuilder<R, Id, S extends AnySession = Session> {
  /** Declares the file fields; their names must be string fields of the record. */
  fields<F extends FileKey<R>>(fields: { [K in F]: FieldOptions<R, S> }): PrivateModel<R, Id, F, S>;
}

/**
 * Declares how a model's file fields are protected: the counterpart of a Django model
 * with `PrivateFileField`s. In two steps, so that the record type is inferred from `load`
 * before the fields are checked against it: a field name that is not a string column of
 * the record, or a condition on another record type, does not compile. Works with any
 * loader (Prisma, Drizzle, SQL) that resolves to the record or `null`/`undefined`.
 *
 * @param source - How records are found: the id codec (`intId`, `uuidId`, `stringId()`) and `load`.
 * @returns A builder whose `.fields({...})` gives the model to list in `definePrivateFiles`'s `models`.
 * @throws {UnsafeStoredPathError} from `.fields()`, for an `uploadTo` folder that is not a
 * plain relative path (`..`, absolute, a backslash).
 * @throws {TypeError} from `.fields()`, for an `allowedTypes` MIME type the kit knows no
 * signature for, or a `variants` declaration that is not valid (a name outside
 * `a-z0-9-_`, a width or height that is not a positive whole number, an unknown format).
 * @example
 * ```ts
 * import { intId, privateModel, staff, anyOf, owner } from "next-private-files";
 *
 * type Invoice = { id: number; ownerId: string; pdf: string | null; pdfName: string | null };
 * declare const prisma: { invoice: { findUnique(args: { where: { id: number } }): Promise<Invoice | null> } };
 *
 * export const invoices = privateModel({
 *   id: intId,
 *   load: (id) => prisma.invoice.findUnique({ where: { id } }),
 * }).fields({
 *   pdf: {
 *     uploadTo: "invoices",
 *     condition: anyOf<Invoice>(owner("ownerId"), staff()),
 *     originalName: "pdfName",
 *     allowedTypes: ["application/pdf"],
 *   },
 * });
 * ```
 */
export function privateModel<R, Id, S extends AnySession = Session>(source: ModelSource<R, Id>): ModelBuilder<R, Id, S> {
  const idOf = source.idOf ?? ((record: R) => (record as { id?: Id }).id as Id);
  return {
    fields(declared) {
      const fields = new Map<string, CompiledField>();
      for (const [name, options] of Object.entries(declared) as [string, FieldOptions<R, S>][]) {
        fields.set(name, compileField<R, S>(name, options));
      }
      const model = Object.freeze({ [Symbol.toStringTag]: "PrivateModel" }) as unknown as PrivateModel<R, Id, never, S>;
      compiledModels.set(model, {
        id: source.id as IdCodec<unknown>,
        load: (id) => source.load(id as Id),
        idOf: (record) => idOf(record as R),
        fields,
      });
      return model;
    },
  };
}

function compileField<R, S extends AnySession>(name: string, declared: FieldOptions<R, S>): CompiledField {
  const uploadTo = declared.uploadTo ?? "";
  // Checked once, here: a bad folder fails at start-up, not on the first upload.
  const folder = typeof uploadTo === "string" ? relativeFolder(uploadTo) : [];
  const originalName = declared.originalName;
  const stringOrNull = (value: unknown) => (typeof value === "string" && value !== "" ? value : null);
  const storedPath = (record: unknown) => stringOrNull((record as Record<string, unknown>)[name]);
  const keptName = (record: unknown) => {
    if (originalName === undefined) return null;
    return stringOrNull(typeof originalName === "function" ? originalName(record as R) : (record as Record<string, unknown>)[originalName]);
  };
  const allowedTypes = declared.allowedTypes && fileTypeRules(declared.allowedTypes);
  const upload = declared.upload;
  if (upload !== undefined && typeof upload.condition !== "function") {
    throw new TypeError(`field ${name}: upload.condition must be a function (who may upload)`);
  }
  if (upload?.maxSize !== undefined && !(Number.isSafeInteger(upload.maxSize) && upload.maxSize > 0)) {
    throw new TypeError(`field ${name}: upload.maxSize must be a positive whole number of bytes, got ${upload.maxSize}`);
  }
  const variants = compileVariants(name, declared.variants);
  return {
    name,
    variants,
    condition: declared.condition as Condition<unknown, AnySession> | undefined,
    attachment: declared.attachment ?? true,
    storage: declared.storage,
    uploadTo: typeof uploadTo === "function" ? uploadTo : () => uploadTo,
    denial: declared.denial ?? "status",
    maxUploadBytes: declared.maxUploadBytes,
    allowedTypes,
    delivery: declared.delivery,
    links: declared.links,
    upload: upload && {
      condition: upload.condition as UploadCondition<AnySession>,
      maxSize: upload.maxSize ?? declared.maxUploadBytes,
      allowedTypes: upload.allowedTypes ? fileTypeRules(upload.allowedTypes) : allowedTypes,
      quota: upload.quota ?? true,
    },
    storedPath,
    owns(stored) {
      let segments: string[];
      try {
        segments = relativeSegments(stored);
      } catch {
        return false;
      }
      return segments.length > folder.length && folder.every((segment, i) => segments[i] === segment);
    },
    fileName(record) {
      const stored = storedPath(record);
      return stored === null ? null : (keptName(record) ?? path.posix.basename(stored));
    },
  };
}
