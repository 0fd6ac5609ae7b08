// How a model's primary key travels in a URL segment. The codec is the only
// place an untrusted id segment is turned into a value the loader sees, so a
// malformed id becomes a 404 before any database work.

export interface IdCodec<Id> {
  /** The id for a URL segment, or undefined when the segment is not a valid id. */
  parse(segment: string): Id | undefined;
  /** The URL segment for an id. */
  format(id: Id): string;
}

const INT_PATTERN = /^(0|[1-9][0-9]{0,15})$/;

/** Auto-increment integer keys (`Int @id @default(autoincrement())`). */
export const intId: IdCodec<number> = {
  parse(segment) {
    if (!INT_PATTERN.test(segment)) return undefined;
    const value = Number(segment);
    return Number.isSafeInteger(value) ? value : undefined;
  },
  format: (id) => String(id),
};

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** UUID keys (`String @id @default(uuid())`), lower-case canonical form only. */
export const uuidId: IdCodec<string> = {
  parse: (segment) => (UUID_PATTERN.test(segment) ? segment : undefined),
  format: (id) => id,
};

/** String keys such as cuid or nanoid: letters, digits, `_` and `-`, 1 to 128 characters. */
export function stringId(pattern: RegExp = /^[A-Za-z0-9_-]{1,128}$/): IdCodec<string> {
  return {
    parse: (segment) => (pattern.test(segment) ? segment : undefined),
    format: (id) => id,
  };
}
