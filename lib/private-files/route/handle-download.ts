import type { Session } from "next-auth";
import type { ResolvedConfig } from "../config/define";
import { preDownload } from "../hooks/pre-download";
import {
  forbidden,
  internalError,
  isBrowserNavigation,
  notFound,
  redirectToSignIn,
  unauthorized,
  unavailable,
} from "../http/responses";
import { UnsafeStoredPathError } from "../storage/errors";
import type { OpenedFile } from "../storage/types";
import { isGranted } from "./authorize";
import { planFileResponse } from "./file-response";
import { parseFilePath } from "./parse-path";

/**
 * GET and HEAD of `/files/<model>/<field>/<id>/<filename>`: look up the declaration,
 * load the record and the session, authorize, open the file, then answer.
 * Every failure is answered here; nothing escapes to Next's error page.
 */
export async function handleDownload(config: ResolvedConfig, request: Request): Promise<Response> {
  const { logger } = config;
  const url = new URL(request.url);
  const parsed = parseFilePath(url.pathname, config.basePath);
  if (!parsed) return notFound();
  const entry = config.models.get(parsed.model);
  const field = entry?.model.compiled.fields.get(parsed.field);
  if (!entry || !field) return notFound();
  const model = entry.model.compiled;
  const id = model.id.parse(parsed.id);
  if (id === undefined) return notFound();

  let session: Session | null;
  let record: unknown;
  try {
    [session, record] = await Promise.all([config.getSession(request), model.load(id)]);
  } catch (error) {
    logger.error("database or session store failed", { model: entry.key, error: String(error) });
    return unavailable(config.retryAfterSeconds);
  }
  if (record === null || record === undefined) return notFound();

  const stored = field.storedPath(record);
  const name = field.fileName(record);
  if (stored === null || name === null || parsed.filename !== name) return notFound();

  let granted: boolean;
  try {
    granted = await isGranted(field, request, session, record);
  } catch (error) {
    logger.error("condition threw; access denied", { model: entry.key, field: field.name, error: String(error) });
    return internalError();
  }
  if (!granted) {
    if (field.denial === "not-found") return notFound();
    if (session?.user) return forbidden();
    if (config.signInUrl && request.method === "GET" && isBrowserNavigation(request)) {
      return redirectToSignIn(config.signInUrl, `${url.pathname}${url.search}`);
    }
    return unauthorized();
  }

  let file: OpenedFile | null;
  try {
    file = await config.storageOf(field).open(stored);
  } catch (error) {
    if (error instanceof UnsafeStoredPathError) {
      logger.warn("refused a stored path outside the storage root", { model: entry.key, field: field.name, reason: error.message });
      return notFound();
    }
    logger.error("storage failed", { model: entry.key, field: field.name, error: String(error) });
    return unavailable(config.retryAfterSeconds);
  }
  if (!file) {
    logger.warn("record points at a missing file", { model: entry.key, field: field.name, path: stored });
    return notFound();
  }

  const plan = planFileResponse(request, file, name, field.attachment);
  // 304, 416 and HEAD carry headers only: release the file, fire no hook.
  if (plan.send === "headers" || request.method === "HEAD") {
    await file.close();
    return new Response(null, { status: plan.status, headers: plan.headers });
  }

  try {
    await preDownload.send(entry.model, {
      model: entry.key,
      field: field.name,
      record,
      request,
      session,
      user: session?.user ?? null,
      range: plan.range,
      size: file.size,
    });
  } catch (error) {
    await file.close();
    logger.error("preDownload listener threw; download aborted", { model: entry.key, field: field.name, error: String(error) });
    return internalError();
  }
  return new Response(file.stream(plan.range ?? undefined), { status: plan.status, headers: plan.headers });
}
