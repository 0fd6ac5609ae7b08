import { LINK_USED } from "../../links/check-link.js";
import type { OpenedFile } from "../../storage/types.js";
import type { Download } from "../download.js";
import { planFileResponse, type FilePlan } from "../file-response.js";
import { reject, type Rejection } from "../rejection.js";
import type { LinkGrant } from "./authorize.js";

/** A plan that sends bytes: 200, or 206 with its range. */
export type BytesPlan = Extract<FilePlan, { send: "bytes" }>;

/**
 * Stage 4, plan: status and headers from the file's validators and the request's
 * conditional and `Range` headers (412, 304, 416, 206 or 200; see file-response.ts).
 * Reads no byte, fires no hook.
 */
export function plan(download: Download, file: OpenedFile, link: LinkGrant | null): FilePlan | Rejection {
  const planned = planFileResponse(download.request, file, download.served.name, download.field.attachment);
  // A resume of a spent link must be a part of the file: a Range that is malformed,
  // ignored or overruled by If-Range would send the whole file again.
  if (link?.use.resumed && planned.send === "bytes" && planned.status !== 206) return reject.link(LINK_USED);
  return planned;
}

/** 304, 412, 416 and every HEAD carry headers only: the file is released, no hook fires, no link is spent. */
export async function answerHeaders(file: OpenedFile, planned: FilePlan): Promise<Response> {
  await file.close();
  return new Response(null, { status: planned.status, headers: planned.headers });
}
