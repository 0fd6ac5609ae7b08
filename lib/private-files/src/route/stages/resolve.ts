import type { ResolvedConfig } from "../../config/define.js";
import type { AnySession } from "../../config/types.js";
import type { Download, VariantRequest } from "../download.js";
import { parseFilePath } from "../parse-path.js";
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
  const entry = config.models.get(path.model);
  const field = entry?.compiled.fields.get(path.field);
  if (!entry || !field) return reject.notFound();
  let variant: VariantRequest | null = null;
  if (query.kind === "name") variant = { name: query.name, declared: field.variants?.get(query.name) };
  else if (query.kind === "width") {
    // Snapping reads the declaration only; a field without widths has nothing to snap to.
    const declared = snapWidth(field.variants, query.width);
    if (!declared) return reject.notFound();
    variant = { name: declared.name, declared };
  }
  const model = entry.compiled;
  const id = model.id.parse(path.id);
  if (id === undefined) return reject.notFound();
  const log = new RequestLog(config.logger, entry.key, field.name);

  let session: AnySession | null;
  let record: unknown;
  try {
    const lookup = Promise.all([config.getSession(request), model.load(id)]);
    [session, record] = await withTimeout(lookup, config.timeoutMs, "record and session lookup");
  } catch (error) {
    log.modelError("database or session store failed", { error: String(error) });
    return reject.unavailable();
  }
  if (record === null || record === undefined) return reject.notFound();

  const storedPath = field.storedPath(record);
  const name = field.fileName(record);
  if (storedPath === null || name === null) return reject.notFound();
  if (!field.owns(storedPath)) {
    log.warn("refused a stored path outside the field's folder", { path: storedPath });
    return reject.notFound();
  }
  const party = { model: entry.key, field: field.name, recordId: model.id.format(id), record, request, session, user: session?.user ?? null, variant: variant?.name ?? null };
  return { config, request, url, path, entry, field, storedPath, name, variant, served: { storedPath, name }, party, log };
}
