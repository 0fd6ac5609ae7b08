import type { ResolvedConfig } from "../config/define.js";
import type { Refusal, RefusalStatus } from "../config/types.js";
import type { DenialReason } from "../hooks/download-denied.js";
import {
  forbidden,
  htmlRefusal,
  internalError,
  isBrowserNavigation,
  linkRefused,
  notFound,
  plainAnswer,
  redirectToSignIn,
  unauthorized,
  unavailable,
} from "../http/responses.js";
import type { LinkDenialReason } from "../links/check-link.js";

// Every way a download stops short of its bytes is one of these values, returned by the
// stage that stopped it and turned into a Response in one place, rejectionResponse.

const REJECTED: unique symbol = Symbol("rejection");

interface Base {
  /** Tells a rejection from a stage's result (an OpenedFile is the storage's object, any shape). */
  readonly [REJECTED]: true;
  /** Set when the refusal is a denial: `downloadDenied` fires with this reason before the answer goes out. */
  readonly denial?: DenialReason;
}

/** Why a stage stopped the download, and what the answer is. */
export type Rejection =
  /** 404: no such file, or one hidden from this user (`denial: "not-found"`). */
  | (Base & { readonly kind: "not-found" })
  /** 401, or the sign-in page for a browser when `signInUrl` is set (back to `returnTo`). */
  | (Base & { readonly kind: "unauthenticated"; readonly returnTo: string })
  /** 403: signed in, and the condition said no. */
  | (Base & { readonly kind: "forbidden" })
  /** 403 or 410 with the link's short reason. */
  | (Base & { readonly kind: "link-refused"; readonly status: 403 | 410; readonly reason: LinkDenialReason; readonly message: string })
  /** 503 with `Retry-After`: the database, storage, link store or a listener failed or timed out. */
  | (Base & { readonly kind: "unavailable" })
  /** 500: a condition or listener threw, or the configuration cannot work. */
  | (Base & { readonly kind: "failed" })
  /** A short plain-text answer of its own: 400 (a malformed `?variant=`/`?w=`), 422 (an image that cannot be resized), 500 (sharp missing). */
  | (Base & { readonly kind: "plain"; readonly status: 400 | 422 | 500; readonly message: string });

export type RejectionKind = Rejection["kind"];

const NOT_FOUND = Object.freeze<Rejection>({ [REJECTED]: true, kind: "not-found" });
const UNAVAILABLE = Object.freeze<Rejection>({ [REJECTED]: true, kind: "unavailable" });
const FAILED = Object.freeze<Rejection>({ [REJECTED]: true, kind: "failed" });

/** The rejections, made by the stages. Those without a denial reason are shared constants. */
export const reject = {
  notFound: (denial?: DenialReason): Rejection => (denial ? { [REJECTED]: true, kind: "not-found", denial } : NOT_FOUND),
  unauthenticated: (returnTo: string): Rejection => ({ [REJECTED]: true, kind: "unauthenticated", returnTo, denial: "anonymous" }),
  forbidden: (): Rejection => ({ [REJECTED]: true, kind: "forbidden", denial: "forbidden" }),
  link: (refused: { readonly reason: LinkDenialReason; readonly status: 403 | 410; readonly message: string }): Rejection => ({
    [REJECTED]: true,
    kind: "link-refused",
    status: refused.status,
    reason: refused.reason,
    message: refused.message,
    denial: refused.reason,
  }),
  unavailable: (denial?: DenialReason): Rejection => (denial ? { [REJECTED]: true, kind: "unavailable", denial } : UNAVAILABLE),
  failed: (denial?: DenialReason): Rejection => (denial ? { [REJECTED]: true, kind: "failed", denial } : FAILED),
  badRequest: (message: string): Rejection => ({ [REJECTED]: true, kind: "plain", status: 400, message: `Bad Request: ${message}` }),
  plain: (status: 400 | 422 | 500, message: string): Rejection => ({ [REJECTED]: true, kind: "plain", status, message }),
};

/** Whether a stage's result is a rejection. */
export function isRejection(value: unknown): value is Rejection {
  return typeof value === "object" && value !== null && REJECTED in value;
}

/**
 * The one place a rejection becomes an answer. Refusals (401, 403, 404, a refused link)
 * are the config's `refusalPage` for a browser navigation; 503 carries `Retry-After`;
 * every answer here is `no-store`.
 */
export function rejectionResponse(config: ResolvedConfig, request: Request, rejection: Rejection): Response {
  switch (rejection.kind) {
    case "not-found":
      return refused(config, request, 404);
    case "unauthenticated":
      if (config.signInUrl && request.method === "GET" && isBrowserNavigation(request)) return redirectToSignIn(config.signInUrl, rejection.returnTo);
      return refused(config, request, 401);
    case "forbidden":
      return refused(config, request, 403);
    case "link-refused": {
      const { reason, status, message } = rejection;
      return refusalPageFor(config, { status, request, link: { reason, message } }) ?? linkRefused(status, message);
    }
    case "unavailable":
      return unavailable(config.retryAfterSeconds);
    case "failed":
      return internalError();
    case "plain":
      return plainAnswer(rejection.status, rejection.message);
  }
}

const PLAIN_REFUSALS: Record<Exclude<RefusalStatus, 410>, () => Response> = { 401: unauthorized, 403: forbidden, 404: notFound };

/** The config's `refusalPage` for a browser navigation (a GET), the plain-text answer for everyone else or when the page cannot be rendered. */
function refused(config: ResolvedConfig, request: Request, status: Exclude<RefusalStatus, 410>): Response {
  return refusalPageFor(config, { status, request }) ?? PLAIN_REFUSALS[status]();
}

/** The config's `refusalPage` for a browser navigation (a GET); `undefined` otherwise, or when the page cannot be rendered. */
function refusalPageFor(config: ResolvedConfig, refusal: Refusal): Response | undefined {
  const { request, status } = refusal;
  if (!config.refusalPage || request.method !== "GET" || !isBrowserNavigation(request)) return undefined;
  try {
    return htmlRefusal(status, config.refusalPage(refusal));
  } catch (error) {
    config.logger.error("refusalPage threw; answering in plain text", { status, error: String(error) });
    return undefined;
  }
}
