import type { ResolvedConfig, ResolvedModel } from "../../config/define.js";
import type { CompiledField } from "../../config/model.js";
import type { AnySession } from "../../config/types.js";
import type { ArchiveInfo } from "../../zip/archive-info.js";
import type { Download, VariantRequest } from "../download.js";
import { parseFilePath, type FilePath } from "../parse-path.js";
import { reject, type Rejection } from "../rejection.js";
import { RequestLog } from "../request-log.js";
import { withTimeout } from "../with-timeout.js";
import { parseVariantQuery } from "../variant-query.js";
import { snapWidth } from "../../variants/options.js";

/**
 * Stage 1, resolve: the URL to its declaration (model, field, id), then the record and
 * the session (looked up together, within `timeoutMs`), then the record's stored path
 * and name. Anything not found is a 404 and no denial: there is no record to deny.
 */
export async function resolve(config: ResolvedConfig, request: Request): Promise<Download | Rejection> {
  const url = new URL(request.url);
  const path = parseFilePath(url.pathname, config.basePath);
  if (!path) return reject.notFound();
  const query = parseVariantQuery(url.searchParams);
  if (query.kind === "malformed") return reject.badRequest(query.message);
  const target = declaredTarget(config, path.model, path.field, path.id);
  if (!target) return reject.notFound();
  let variant: VariantRequest | null = null;
  if (query.kind === "name") variant = { name: query.name, declared: target.field.variants?.get(query.name) };
  else if (query.kind === "width") {
    // Snapping reads the declaration only; a field without widths has nothing to snap to.
    const declared = snapWidth(target.field.variants, query.width);
    if (!declared) return reject.notFound();
    variant = { name: declared.name, declared };
  }

  let session: AnySession | null;
  let record: unknown;
  try {
    const lookup = Promise.all([config.getSession(request), target.entry.compiled.load(target.id)]);
    [session, record] = await withTimeout(lookup, config.timeoutMs, "record and session lookup");
  } catch (error) {
    target.log.modelError("database or session store failed", { error: String(error) });
    return reject.unavailable();
  }
  return describe(config, request, target, record, session, { url, path, token: url.searchParams.get("token"), variant, archive: null });
}

/** One file of a request that names many (a zip entry): which record's field, found by its model, field and id rather than a URL. */
export interface EntryTarget {
  readonly model: string;
  readonly field: string;
  readonly id: string;
}

/**
 * Stage 1 for one entry of a zip: as `resolve`, but the file is named by `(model, field,
 * id)`, the session was read once for the whole request, and no `?token=` applies (an
 * entry is always judged by its field's condition). The entry asks for the record's
 * current name, so `open` never refuses it for a stale one.
 */
export async function resolveEntry(config: ResolvedConfig, request: Request, item: EntryTarget, session: AnySession | null, archive: ArchiveInfo): Promise<Download | Rejection> {
  const target = declaredTarget(config, item.model, item.field, item.id);
  if (!target) return reject.notFound();
  let record: unknown;
  try {
    record = await withTimeout(target.entry.compiled.load(target.id), config.timeoutMs, "record lookup");
  } catch (error) {
    target.log.modelError("database failed", { error: String(error) });
    return reject.unavailable();
  }
  const url = new URL(request.url);
  const path: FilePath = { model: item.model, field: item.field, id: item.id, filename: "" };
  return describe(config, request, target, record, session, { url, path, token: null, variant: null, archive });
}

interface Target {
  readonly entry: ResolvedModel;
  readonly field: CompiledField;
  readonly id: unknown;
  readonly log: RequestLog;
}

/** The declaration a (model, field, id) names, with the id parsed; `undefined` for an unknown model or field, or an id of the wrong form. */
function declaredTarget(config: ResolvedConfig, modelKey: string, fieldName: string, rawId: string): Target | undefined {
  const entry = config.models.get(modelKey);
  const field = entry?.compiled.fields.get(fieldName);
  if (!entry || !field) return undefined;
  const id = entry.compiled.id.parse(rawId);
  if (id === undefined) return undefined;
  return { entry, field, id, log: new RequestLog(config.logger, entry.key, field.name) };
}

/** The loaded record as a Download: its stored path and name, checked to be inside the field's folder; 404 when it has none. */
function describe(
  config: ResolvedConfig,
  request: Request,
  { entry, field, id, log }: Target,
  record: unknown,
  session: AnySession | null,
  asked: { url: URL; path: FilePath; token: string | null; variant: VariantRequest | null; archive: ArchiveInfo | null },
): Download | Rejection {
  if (record === null || record === undefined) return reject.notFound();
  const storedPath = field.storedPath(record);
  const name = field.fileName(record);
  if (storedPath === null || name === null) return reject.notFound();
  if (!field.owns(storedPath)) {
    log.warn("refused a stored path outside the field's folder", { path: storedPath });
    return reject.notFound();
  }
  const model = entry.compiled;
  const path = asked.archive ? { ...asked.path, filename: name } : asked.path;
  const { variant, archive } = asked;
  const party = { model: entry.key, field: field.name, recordId: model.id.format(id), record, request, session, user: session?.user ?? null, variant: variant?.name ?? null, archive };
  return { config, request, url: asked.url, path, token: asked.token, entry, field, storedPath, name, variant, served: { storedPath, name }, party, log };
}
