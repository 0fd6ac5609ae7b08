import type { AccessRequest, AnySession, Condition, Session, UserOf } from "../config/types.js";

// Ready-made conditions. Each is a plain `Condition`, so they compose with
// `anyOf`/`allOf` and with the application's own. They are generic in the session type
// `S` (default: the kit's `Session`), so they fit any getter's session; the ones that
// read the user take an accessor for sessions of another shape.

/**
 * Any signed-in user: the default condition of a field that names none, as in
 * django-private-files.
 * @example
 * ```ts
 * import { intId, privateModel, signedIn } from "next-private-files";
 *
 * type Handout = { id: number; file: string | null };
 * declare const prisma: { handout: { findUnique(args: { where: { id: number } }): Promise<Handout | null> } };
 *
 * const handouts = privateModel({ id: intId, load: (id) => prisma.handout.findUnique({ where: { id } }) })
 *   .fields({ file: { condition: signedIn } });
 * ```
 */
export const signedIn: Condition<unknown, AnySession> = (request) => request.user !== null;

/**
 * Everybody, signed in or not. The URL still has to name an existing record and file, so
 * this is for files that are public but whose records decide whether they exist.
 * @example
 * ```ts
 * import { anyone, intId, privateModel } from "next-private-files";
 *
 * type Brochure = { id: number; pdf: string | null };
 * declare const prisma: { brochure: { findUnique(args: { where: { id: number } }): Promise<Brochure | null> } };
 *
 * const brochures = privateModel({ id: intId, load: (id) => prisma.brochure.findUnique({ where: { id } }) })
 *   .fields({ pdf: { condition: anyone, attachment: false } });
 * ```
 */
export const anyone: Condition<unknown, AnySession> = () => true;

/**
 * The signed-in user owns the record: `record[key]` equals the session user's `id`
 * (compared as strings, so an `Int` foreign key matches a JWT's string id). Anonymous,
 * or a record whose key is `null`: denied.
 * @param key - The record's owner column (`"ownerId"`).
 * @param userIdOf - Reads the value to compare from the session user, for sessions whose
 *   key is not `id` (`(user) => user.accountId`). Default: `(user) => user.id`.
 * @example
 * ```ts
 * import { intId, owner, privateModel } from "next-private-files";
 *
 * type Payslip = { id: number; employeeId: number; pdf: string | null };
 * declare const prisma: { payslip: { findUnique(args: { where: { id: number } }): Promise<Payslip | null> } };
 *
 * const payslips = privateModel({ id: intId, load: (id) => prisma.payslip.findUnique({ where: { id } }) })
 *   .fields({ pdf: { condition: owner("employeeId"), denial: "not-found" } });
 * ```
 */
export function owner<R, S extends AnySession = Session>(key: keyof R & string, userIdOf: (user: UserOf<S>) => unknown = (user) => user.id): Condition<R, S> {
  return (request, record) => {
    const userId = request.user === null ? undefined : userIdOf(request.user);
    const ownerId = record[key];
    if (userId === undefined || userId === null || ownerId === undefined || ownerId === null) return false;
    return String(ownerId) === String(userId);
  };
}

/**
 * A staff user; by default one whose session user has `isStaff: true` (add the field to
 * `SessionUser` by augmentation, and set it in your session callback).
 * @param isStaff - Decides who is staff, when your session says it another way.
 * @example
 * ```ts
 * import { staff } from "next-private-files";
 *
 * declare module "next-private-files" {
 *   interface SessionUser {
 *     roles?: string[];
 *   }
 * }
 *
 * const admins = staff((user) => user.roles?.includes("admin") === true);
 * const byFlag = staff(); // `user.isStaff === true`
 * ```
 */
export function staff<S extends AnySession = Session>(
  isStaff: (user: UserOf<S>) => boolean = (user) => (user as { isStaff?: unknown }).isStaff === true,
): Condition<unknown, S> {
  return (request) => request.user !== null && isStaff(request.user);
}

/**
 * Granted when any condition grants (evaluated in order, stopping at the first yes).
 * No condition at all: denied.
 * @example
 * ```ts
 * import { anyOf, owner, staff, type Condition } from "next-private-files";
 *
 * type Invoice = { id: number; ownerId: string; pdf: string | null };
 *
 * const ownerOrStaff: Condition<Invoice> = anyOf(owner<Invoice>("ownerId"), staff());
 * ```
 */
export function anyOf<R, S extends AnySession = Session>(...conditions: Condition<R, S>[]): Condition<R, S> {
  return async (request: AccessRequest<S>, record: R) => {
    for (const condition of conditions) if (await condition(request, record)) return true;
    return false;
  };
}

/**
 * Granted when every condition grants (evaluated in order, stopping at the first no).
 * No condition at all: granted.
 * @example
 * ```ts
 * import { allOf, owner, type Condition } from "next-private-files";
 *
 * type Report = { id: number; ownerId: string; published: boolean; file: string | null };
 *
 * const ownPublished: Condition<Report> = allOf(owner<Report>("ownerId"), (_request, report) => report.published);
 * ```
 */
export function allOf<R, S extends AnySession = Session>(...conditions: Condition<R, S>[]): Condition<R, S> {
  return async (request: AccessRequest<S>, record: R) => {
    for (const condition of conditions) if (!(await condition(request, record))) return false;
    return true;
  };
}
