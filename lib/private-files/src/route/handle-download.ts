import type { ResolvedConfig } from "../config/define.js";
import type { OpenedFile } from "../storage/types.js";
import { announceDenial } from "./announce.js";
import type { Download } from "./download.js";
import { isRejection, rejectionResponse, type Rejection } from "./rejection.js";
import { authorize } from "./stages/authorize.js";
import { deliver } from "./stages/deliver.js";
import { open } from "./stages/open.js";
import { answerHeaders, plan } from "./stages/plan.js";
import { resolve } from "./stages/resolve.js";
import { spendLink } from "./stages/spend-link.js";
import { openVariantOf } from "./stages/variant.js";

/**
 * GET and HEAD of `/files/<model>/<field>/<id>/<filename>`, as a pipeline of stages
 * (`stages/`): resolve, authorize, open (or, for `?variant=`/`?w=`, open the variant,
 * made on its first request), plan, spend a single-use link, deliver. A stage
 * that stops the download returns a Rejection, answered by `rejectionResponse`; every
 * failure is answered here, nothing escapes to Next's error page.
 */
export async function handleDownload(config: ResolvedConfig, request: Request): Promise<Response> {
  const resolved = await resolve(config, request);
  // Before a record is found there is nothing to deny: no downloadDenied.
  if (isRejection(resolved)) return rejectionResponse(config, request, resolved);
  let download = resolved;

  const link = await authorize(download);
  if (isRejection(link)) return refuse(download, link);

  let file: OpenedFile | Rejection;
  if (download.variant) {
    // The variant is chosen (and made, the first time) only now, once granted.
    const variant = await openVariantOf(download);
    if (isRejection(variant)) return refuse(download, variant);
    ({ download, file } = variant);
  } else {
    file = await open(download);
    if (isRejection(file)) return refuse(download, file);
  }

  const planned = plan(download, file, link);
  if (isRejection(planned)) return refuse(download, planned, file);
  if (planned.send === "headers" || request.method === "HEAD") return answerHeaders(file, planned);

  const spent = link?.consume ? await spendLink(download, link, planned) : null;
  if (isRejection(spent)) return refuse(download, spent, file);

  const answer = await deliver(download, file, planned, link, spent);
  return isRejection(answer) ? rejectionResponse(config, request, answer) : answer;
}

/** A refusal after the record was found: the open file released, the answer built, then `downloadDenied` (when it is a denial) awaited before it goes out. */
async function refuse(download: Download, rejection: Rejection, file?: OpenedFile): Promise<Response> {
  if (file) await file.close();
  const response = rejectionResponse(download.config, download.request, rejection);
  if (rejection.denial) await announceDenial(download, rejection.denial, response.status);
  return response;
}
