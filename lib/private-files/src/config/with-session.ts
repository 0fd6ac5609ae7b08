import { buildPrivateFiles, type PrivateFiles, type PrivateFilesOptions } from "./define.js";
import { privateModel, type AnyPrivateModel, type ModelBuilder } from "./model.js";
import type { AnySession, ModelSource, SessionGetter } from "./types.js";

/** `privateModel` and `definePrivateFiles` bound to one session getter (see `withSession`). */
export interface SessionTyped<S extends AnySession> {
  /** The getter, as passed. */
  readonly getSession: SessionGetter<S>;
  /** `privateModel`, whose fields' conditions see sessions of type `S`. */
  privateModel<R, Id>(source: ModelSource<R, Id>): ModelBuilder<R, Id, S>;
  /** `definePrivateFiles` with this getter: every option but `getSession`. */
  definePrivateFiles<M extends Record<string, AnyPrivateModel<S>>>(options: Omit<PrivateFilesOptions<M, S>, "getSession">): PrivateFiles<M, S>;
}

/**
 * Binds the session type of a getter to the declarations, so that conditions written
 * inline see the auth library's own session and user (its roles, organisation, plugin
 * fields) with no annotation and no module augmentation. `privateModel` and
 * `definePrivateFiles` work without it: their conditions then see the kit's `Session`.
 * @param getSession - The session getter the configuration uses.
 * @returns `privateModel` and `definePrivateFiles`, typed by the getter's session.
 * @example
 * ```ts
 * import { intId, withSession, type SessionGetter } from "next-private-files";
 *
 * type AppSession = { user: { id: string; role: "admin" | "member" }; organizationId: string };
 * type Report = { id: number; organizationId: string; file: string | null };
 * declare const getSession: SessionGetter<AppSession>; // betterAuthSession(auth), or your own
 * declare const db: { report(id: number): Promise<Report | null> };
 *
 * const files = withSession(getSession);
 * export const reports = files.privateModel({ id: intId, load: (id) => db.report(id) }).fields({
 *   // `request.session` is an AppSession here, `request.user` its user.
 *   file: { condition: ({ session, user }, report) => user?.role === "admin" || session?.organizationId === report.organizationId },
 * });
 * export const privateFiles = files.definePrivateFiles({
 *   models: { reports },
 *   on: { preDownload: ({ user }) => console.info(`downloaded by ${user?.role}`) },
 * });
 * ```
 */
export function withSession<S extends AnySession>(getSession: SessionGetter<S>): SessionTyped<S> {
  return {
    getSession,
    privateModel: <R, Id>(source: ModelSource<R, Id>) => privateModel<R, Id, S>(source),
    definePrivateFiles: (options) => buildPrivateFiles({ ...options, getSession }),
  };
}
