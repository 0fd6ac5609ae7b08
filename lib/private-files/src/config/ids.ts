// How a model's primary key travels in a URL segment. The codec is the only
// place an untrusted id segment is turned into a value the loader sees, so a
// malformed id becomes a 404 before any database work.

/**
 * How a model's primary key travels in the `<id>` URL segment (`ModelSource.id`): a
 * segment that does not parse is a 404 before the database is asked. Use `intId`,
 * `uuidId` or `stringId()`, or write your own.
 */
export interface IdCodec<Id> {
  /** The id for a URL segment, or undefined when the segment is not a valid id. */
  parse(segment: string): Id | undefined;
  /** The URL segment for an id. */
  format(id: Id): string;
}

const INT_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

/**
 * Auto-increment integer keys (`Int @id @default(autoincrement())`): decimal digits
 * without leading zeros, up to `Number.MAX_SAFE_INTEGER`.
 * @example
 * ```ts
 * import { intId, privateModel } from "next-private-files";
 *
 * type Report = { id: number; file: string | null };
 * declare const prisma: { report: { findUnique(args: { where: { id: number } }): Promise<Report | null> } };
 *
 * const reports = privateModel({ id: intId, load: (id) => prisma.report.findUnique({ where: { id } }) }).fields({ file: {} });
 * intId.parse("42"); // 42
 * intId.parse("042"); // undefined: a 404
 * ```
 */
export const intId: IdCodec<number> = {
  parse(segment) {
    if (!INT_PATTERN.test(segment)) return undefined;
    const value = Number(segment);
    return Number.isSafeInteger(value) ? value : undefined;
  },
  format: (id) => String(id),
};

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * UUID keys (`String @id @default(uuid())`), lower-case canonical form only.
 * @example
 * ```ts
 * import { uuidId, privateModel } from "next-private-files";
 *
 * type Photo = { id: string; image: string | null };
 * declare const prisma: { photo: { findUnique(args: { where: { id: string } }): Promise<Photo | null> } };
 *
 * const photos = privateModel({ id: uuidId, load: (id) => prisma.photo.findUnique({ where: { id } }) }).fields({ image: {} });
 * ```
 */
export const uuidId: IdCodec<string> = {
  parse: (segment) => (UUID_PATTERN.test(segment) ? segment : undefined),
  format: (id) => id,
};

/**
 * String keys such as cuid or nanoid. A segment must match `pattern` in full (anchor it);
 * the default takes letters, digits, `_` and `-`, 1 to 128 characters.
 * @param pattern - What a valid id looks like.
 * @example
 * ```ts
 * import { stringId, privateModel } from "next-private-files";
 *
 * type Contract = { id: string; signed: string | null };
 * declare const prisma: { contract: { findUnique(args: { where: { id: string } }): Promise<Contract | null> } };
 *
 * // cuid2 ids: 24 lower-case letters and digits.
 * const contracts = privateModel({
 *   id: stringId(/^[a-z0-9]{24}$/),
 *   load: (id) => prisma.contract.findUnique({ where: { id } }),
 * }).fields({ signed: {} });
 * ```
 */
export function stringId(pattern: RegExp = /^[A-Za-z0-9_-]{1,128}$/): IdCodec<string> {
  return {
    parse: (segment) => (pattern.test(segment) ? segment : undefined),
    format: (id) => id,
  };
}
