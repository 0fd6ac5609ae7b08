import { LINK_USED } from "../../links/check-link.js";
import { newResumeProof, resumeCookie } from "../../links/resume-cookie.js";
import type { Download } from "../download.js";
import { formatFilePath } from "../parse-path.js";
import { reject, type Rejection } from "../rejection.js";
import { withTimeout } from "../with-timeout.js";
import type { LinkGrant } from "./authorize.js";
import type { BytesPlan } from "./plan.js";

/**
 * Stage 5, for a single-use link only: spend it, by the answer that sends its bytes
 * (HEAD, 304, 412 and 416 never spend it). Of simultaneous requests exactly one wins
 * (see LinkStore); the winner's answer carries the cookie that lets it resume. Resolves
 * the spent link (for `giveBack`), or the rejection.
 */
export async function spendLink(download: Download, link: LinkGrant, planned: BytesPlan): Promise<SpentLink | Rejection> {
  const { config, request, url, log } = download;
  const store = config.links.store!;
  const { id } = link.use;
  const usedAt = new Date();
  const proof = newResumeProof();
  let won: boolean;
  try {
    won = await withTimeout(store.consume(id, usedAt, proof.digest), config.timeoutMs, "link store");
  } catch (error) {
    log.error("link store failed", { error: String(error) });
    return reject.unavailable("link-error");
  }
  if (!won) return reject.link(LINK_USED);
  // The client that spent the link may resume it (see resume-cookie.ts).
  planned.headers.append(
    "Set-Cookie",
    resumeCookie(id, proof.secret, {
      path: formatFilePath(config.basePath, { ...download.path, id: download.party.recordId }),
      maxAgeSeconds: config.links.resumeWindowSeconds,
      secure: isHttps(request, url),
    }),
  );
  return { id, usedAt };
}

/** A single-use link this download spent. */
export interface SpentLink {
  readonly id: string;
  readonly usedAt: Date;
}

/** A download that fails before its first byte gives its single-use link back; a store that cannot is logged. */
export function giveBack(download: Download, spent: SpentLink): Promise<void> {
  return download.config.links.store!.release(spent.id, spent.usedAt).catch((error: unknown) => {
    download.log.error("could not give a single-use link back", { error: String(error) });
  });
}

/** Whether the client reached the site over TLS, directly or through a proxy that terminates it. */
function isHttps(request: Request, url: URL): boolean {
  return url.protocol === "https:" || request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}
