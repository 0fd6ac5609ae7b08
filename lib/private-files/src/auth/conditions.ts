import type { AccessRequest, Condition, SessionUser } from "../config/types.js";

// Ready-made conditions. Each is a plain `Condition`, so they compose with
// `anyOf`/`allOf` and with the application's own.

/** Any signed-in user: the default, as in django-private-files. */
export const signedIn: Condition<unknown> = (request) => request.user !== null;

/** Everybody, signed in or not. The URL still has to name an existing record and file. */
export const anyone: Condition<unknown> = () => true;

const idOfUser = (user: SessionUser | null): unknown => (user as { id?: unknown } | null)?.id;

/**
 * The signed-in user owns the record: `record[key]` equals the session user's `id`
 * (compared as strings, so an `Int` foreign key matches a JWT's string id).
 */
export function owner<R>(key: keyof R & string): Condition<R> {
  return (request, record) => {
    const userId = idOfUser(request.user);
    const ownerId = record[key];
    if (userId === undefined || userId === null || ownerId === undefined || ownerId === null) return false;
    return String(ownerId) === String(userId);
  };
}

/** A staff user; by default one whose session user has `isStaff: true`. */
export function staff(isStaff: (user: SessionUser) => boolean = (user) => (user as { isStaff?: unknown }).isStaff === true): Condition<unknown> {
  return (request) => request.user !== null && isStaff(request.user);
}

/** Granted when any condition grants (evaluated in order, stopping at the first yes). */
export function anyOf<R>(...conditions: Condition<R>[]): Condition<R> {
  return async (request: AccessRequest, record: R) => {
    for (const condition of conditions) if (await condition(request, record)) return true;
    return false;
  };
}

/** Granted when every condition grants (evaluated in order, stopping at the first no). */
export function allOf<R>(...conditions: Condition<R>[]): Condition<R> {
  return async (request: AccessRequest, record: R) => {
    for (const condition of conditions) if (!(await condition(request, record))) return false;
    return true;
  };
}
