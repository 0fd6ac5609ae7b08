import type { ResolvedConfig, ResolvedModel } from "../config/define.js";
import type { CompiledField } from "../config/model.js";
import { sendDownloadDenied, type DenialEvent, type DenialReason } from "../hooks/download-denied.js";
import { offloadResponse } from "../delivery/offload-response.js";
import { sendDownloadFinished, type DownloadFinishedEvent, type DownloadOutcome } from "../hooks/download-finished.js";
import { observeBytes, observeStream } from "../hooks/observe-stream.js";
import { sendPreDownload, type DownloadEvent } from "../hooks/pre-download.js";
import { checkLink, LINK_USED, type LinkVerdict } from "../links/check-link.js";
import { newResumeProof, resumeCookie } from "../links/resume-cookie.js";
import { LinkSecretError } from "../links/secrets.js";
import type { AnySession, Refusal, RefusalStatus } from "../config/types.js";
import {
  forbidden,
  htmlRefusal,
  internalError,
  isBrowserNavigation,
  linkRefused,
  notFound,
  redirectToSignIn,
  unauthorized,
  unavailable,
} from "../http/responses.js";
import { UnsafeStoredPathError } from "../storage/errors.js";
import type { OpenedFile } from "../storage/types.js";
import { isGranted } from "./authorize.js";
import { planFileResponse } from "./file-response.js";
import { formatFilePath, parseFilePath } from "./parse-path.js";
import { TimeoutError, withTimeout } from "./with-timeout.js";

/**
 * GET and HEAD of `/files/<model>/<field>/<id>/<filename>`: look up the declaration,
 * load the record and the session, authorize, open the file, then answer.
 * Every failure is answered here; nothing escapes to Next's error page.
 */
export async function handleDownload(config: ResolvedConfig, request: Request): Promise<Response> {
  const { logger, timeoutMs } = config;
  const url = new URL(request.url);
  const parsed = parseFilePath(url.pathname, config.basePath);
  if (!parsed) return refused(config, request, 404);
  const entry = config.models.get(parsed.model);
  const field = entry?.compiled.fields.get(parsed.field);
  if (!entry || !field) return refused(config, request, 404);
  const model = entry.compiled;
  const id = model.id.parse(parsed.id);
  if (id === undefined) return refused(config, request, 404);

  let session: AnySession | null;
  let record: unknown;
  try {
    const lookup = Promise.all([config.getSession(request), model.load(id)]);
    [session, record] = await withTimeout(lookup, timeoutMs, "record and session lookup");
  } catch (error) {
    logger.error("database or session store failed", { model: entry.key, error: String(error) });
    return unavailable(config.retryAfterSeconds);
  }
  if (record === null || record === undefined) return refused(config, request, 404);

  const stored = field.storedPath(record);
  const name = field.fileName(record);
  if (stored === null || name === null) return refused(config, request, 404);
  if (!field.owns(stored)) {
    logger.warn("refused a stored path outside the field's folder", { model: entry.key, field: field.name, path: stored });
    return refused(config, request, 404);
  }

  const who = { model: entry.key, field: field.name, recordId: model.id.format(id), record, request, session, user: session?.user ?? null };
  const deny = async (reason: DenialReason, response: Response) => {
    await announceDenial(config, entry, { ...who, reason, status: response.status });
    return response;
  };

  // A `?token=` link is judged on its own: the link is the permission (plus a session
  // when the field asks for one); the field's condition is not consulted.
  const token = url.searchParams.get("token");
  let link: Extract<LinkVerdict, { granted: true }> | null = null;
  if (token !== null) {
    const file = { model: entry.key, field: field.name, recordId: who.recordId, storedPath: stored };
    let verdict: LinkVerdict;
    try {
      verdict = await withTimeout(checkLink(token, file, field.links, config.links, request, new Date()), timeoutMs, "link check");
    } catch (error) {
      const misconfigured = error instanceof LinkSecretError;
      logger.error(misconfigured ? "links are not configured" : "link store failed", { model: entry.key, field: field.name, error: String(error) });
      return deny("link-error", misconfigured ? internalError() : unavailable(config.retryAfterSeconds));
    }
    if (!verdict.granted) return deny(verdict.reason, refusedLink(config, request, verdict));
    if (field.links?.requireSession && !session?.user) return deny("anonymous", refusal(config, field, "anonymous", request, url));
    link = verdict;
  } else {
    let granted: boolean;
    try {
      granted = await withTimeout(isGranted(field, request, session, record), timeoutMs, "condition");
    } catch (error) {
      if (error instanceof TimeoutError) {
        logger.error("condition timed out; access denied", { model: entry.key, field: field.name, error: error.message });
        return deny("condition-timeout", unavailable(config.retryAfterSeconds));
      }
      logger.error("condition threw; access denied", { model: entry.key, field: field.name, error: String(error) });
      return deny("condition-error", internalError());
    }
    if (!granted) {
      const reason = session?.user ? "forbidden" : "anonymous";
      return deny(reason, refusal(config, field, reason, request, url));
    }
  }

  // Only now, once the request is authorized, is the name segment compared: a refused
  // user gets the same answer whatever name they send, so names cannot be guessed.
  if (parsed.filename !== name) return refused(config, request, 404);

  let file: OpenedFile | null;
  try {
    file = await config.storageOf(field).open(stored);
  } catch (error) {
    if (error instanceof UnsafeStoredPathError) {
      logger.warn("refused a stored path outside the storage root", { model: entry.key, field: field.name, reason: error.message });
      return refused(config, request, 404);
    }
    logger.error("storage failed", { model: entry.key, field: field.name, error: String(error) });
    return unavailable(config.retryAfterSeconds);
  }
  if (!file) {
    logger.warn("record points at a missing file", { model: entry.key, field: field.name, path: stored });
    return refused(config, request, 404);
  }

  const plan = planFileResponse(request, file, name, field.attachment);
  // A resume of a spent link must be a part of the file: a Range that is malformed,
  // ignored or overruled by If-Range would send the whole file again.
  if (link?.use.resumed && plan.send === "bytes" && plan.status !== 206) {
    await file.close();
    return deny(LINK_USED.reason, refusedLink(config, request, LINK_USED));
  }
  // 304, 412, 416 and HEAD carry headers only: release the file, fire no hook.
  if (plan.send === "headers" || request.method === "HEAD") {
    await file.close();
    return new Response(null, { status: plan.status, headers: plan.headers });
  }

  // A single-use link is spent here, by the answer that sends its bytes: HEAD, 304, 412
  // and 416 above never spend it. Of simultaneous requests exactly one wins (see LinkStore).
  let unspend = async (): Promise<void> => undefined;
  if (link?.consume) {
    const store = config.links.store!;
    const { id } = link.use;
    const usedAt = new Date();
    const proof = newResumeProof();
    let won: boolean;
    try {
      won = await withTimeout(store.consume(id, usedAt, proof.digest), timeoutMs, "link store");
    } catch (error) {
      await file.close();
      logger.error("link store failed", { model: entry.key, field: field.name, error: String(error) });
      return deny("link-error", unavailable(config.retryAfterSeconds));
    }
    if (!won) {
      await file.close();
      return deny(LINK_USED.reason, refusedLink(config, request, LINK_USED));
    }
    // The client that spent the link may resume it (see resume-cookie.ts).
    plan.headers.append(
      "Set-Cookie",
      resumeCookie(id, proof.secret, {
        path: formatFilePath(config.basePath, { ...parsed, id: who.recordId }),
        maxAgeSeconds: config.links.resumeWindowSeconds,
        secure: isHttps(request, url),
      }),
    );
    // A download that fails before its first byte gives the link back.
    unspend = () =>
      store.release(id, usedAt).catch((error: unknown) => {
        logger.error("could not give a single-use link back", { model: entry.key, field: field.name, error: String(error) });
      });
  }

  const event: DownloadEvent<unknown, AnySession> = { ...who, range: plan.range, size: file.size, link: link?.use ?? null };
  const startedAt = new Date();
  const finished = (outcome: DownloadOutcome, status: number, bytesSent: number) =>
    announceFinished(config, entry, { ...event, outcome, status, bytesSent, startedAt, durationMs: Date.now() - startedAt.getTime() });
  try {
    await withTimeout(firePreDownload(config, entry, event), timeoutMs, "preDownload listeners");
  } catch (error) {
    await Promise.all([file.close(), unspend()]);
    const timedOut = error instanceof TimeoutError;
    logger.error(`preDownload listener ${timedOut ? "timed out" : "threw"}; download aborted`, {
      model: entry.key,
      field: field.name,
      error: timedOut ? error.message : String(error),
    });
    const response = timedOut ? unavailable(config.retryAfterSeconds) : internalError();
    finished("failed", response.status, 0);
    return response;
  }

  const delivery = config.deliveryOf(field);
  if (delivery !== "stream") {
    // nginx, Apache/lighttpd or the object store send the bytes (and redo Range and
    // conditional handling on the same file); the route has authorized and counted.
    await file.close();
    try {
      const response = await offloadResponse(delivery, file, stored, plan.headers, config.storageOf(field));
      finished("offloaded", response.status, 0);
      return response;
    } catch (error) {
      await unspend();
      logger.error("could not hand the download over", { model: entry.key, field: field.name, mode: delivery.mode, error: String(error) });
      finished("failed", 500, 0);
      return internalError();
    }
  }
  const report = (outcome: DownloadOutcome, bytes: number) => finished(outcome, plan.status, bytes);
  // Stryker disable next-line ArithmeticOperator: equivalent; the length only picks reading whole or streaming near SMALL_BODY_BYTES, and both send the same bytes
  const length = plan.range === null ? file.size : plan.range.end - plan.range.start + 1;
  if (file.read && length <= SMALL_BODY_BYTES) {
    // A small answer is read in one go and the file closed before the answer goes out:
    // no stream over the file, and a read that fails is a clean 503, not a cut connection.
    let bytes: Uint8Array;
    try {
      bytes = await file.read(plan.range ?? undefined);
    } catch (error) {
      await unspend();
      logger.error("storage failed", { model: entry.key, field: field.name, error: String(error) });
      finished("failed", 503, 0);
      return unavailable(config.retryAfterSeconds);
    }
    return new Response(observeBytes(bytes, report), { status: plan.status, headers: plan.headers });
  }
  const body = observeStream(file.stream(plan.range ?? undefined), report, config.idleTimeoutMs);
  return new Response(body, { status: plan.status, headers: plan.headers });
}

/** Whether the client reached the site over TLS, directly or through a proxy that terminates it. */
function isHttps(request: Request, url: URL): boolean {
  return url.protocol === "https:" || request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/** Answers up to this size are read whole instead of streamed (see OpenedFile.read). */
export const SMALL_BODY_BYTES = 64 * 1024;

/** The answer to a request the condition refused. */
function refusal(config: ResolvedConfig, field: CompiledField, reason: "anonymous" | "forbidden", request: Request, url: URL): Response {
  if (field.denial === "not-found") return refused(config, request, 404);
  if (reason === "forbidden") return refused(config, request, 403);
  if (config.signInUrl && request.method === "GET" && isBrowserNavigation(request)) {
    return redirectToSignIn(config.signInUrl, `${url.pathname}${url.search}`);
  }
  return refused(config, request, 401);
}

const PLAIN_REFUSALS: Record<Exclude<RefusalStatus, 410>, () => Response> = { 401: unauthorized, 403: forbidden, 404: notFound };

/**
 * A 401, 403 or 404: the config's `refusalPage` for a browser navigation (a GET),
 * the plain-text answer for everyone else, or when the page cannot be rendered.
 */
function refused(config: ResolvedConfig, request: Request, status: Exclude<RefusalStatus, 410>): Response {
  return refusalPageFor(config, { status, request }) ?? PLAIN_REFUSALS[status]();
}

/** A refused `?token=` link: the page for a browser navigation, else its short reason in plain text. */
function refusedLink(config: ResolvedConfig, request: Request, refusal: Extract<LinkVerdict, { granted: false }>): Response {
  const { reason, status, message } = refusal;
  return refusalPageFor(config, { status, request, link: { reason, message } }) ?? linkRefused(status, message);
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

/** The module-level listeners (the seed's `preDownload.connect`), then the configuration's own (`on`). */
function firePreDownload(config: ResolvedConfig, entry: ResolvedModel, event: DownloadEvent<unknown, AnySession>): Promise<void> {
  return fire(sendPreDownload(entry.model, event), config.hooks.preDownload, event);
}

/** Awaits the module-level listeners' run, then each of the configuration's in order. */
async function fire<E>(moduleLevel: Promise<void>, own: readonly ((event: E) => unknown)[], event: E): Promise<void> {
  await moduleLevel;
  for (const listener of own) await listener(event);
}

/** Awaited before the refusal goes out, so an audit row exists when the client sees it; never changes the answer. */
async function announceDenial(config: ResolvedConfig, entry: ResolvedModel, event: DenialEvent<unknown, AnySession>): Promise<void> {
  try {
    await withTimeout(fire(sendDownloadDenied(entry.model, event), config.hooks.downloadDenied, event), config.timeoutMs, "downloadDenied listeners");
  } catch (error) {
    config.logger.error("downloadDenied listener failed", { model: entry.key, field: event.field, error: String(error) });
  }
}

/** In the background: the body has already ended. */
function announceFinished(config: ResolvedConfig, entry: ResolvedModel, event: DownloadFinishedEvent<unknown, AnySession>): void {
  fire(sendDownloadFinished(entry.model, event), config.hooks.downloadFinished, event).catch((error: unknown) => {
    config.logger.error("downloadFinished listener failed", { model: entry.key, field: event.field, error: String(error) });
  });
}
