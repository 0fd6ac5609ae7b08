import http from "node:http";
import type { Readable } from "node:stream";

// A small tus 1.0 client for the tests, over node:http, so a test decides exactly where
// an upload is cut (tus-js-client retries on its own): create, HEAD, PATCH a byte range
// (optionally hanging up after some bytes), DELETE.

const TUS = { "Tus-Resumable": "1.0.0" };

/** An answer: status, headers, body text. */
export interface TusAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

function request(url: string, method: string, headers: Record<string, string>, body?: Readable, cutAfter?: number): Promise<TusAnswer & { cut: boolean }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers, agent: false }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text, cut: false }));
      response.on("error", reject);
    });
    let sent = 0;
    let cut = false;
    req.on("error", (error) => (cut ? resolve({ status: 0, headers: {}, body: "", cut: true }) : reject(error)));
    if (!body) {
      req.end();
      return;
    }
    body.on("data", (chunk: Buffer) => {
      if (cut) return;
      if (cutAfter !== undefined && sent + chunk.length >= cutAfter) {
        req.write(chunk.subarray(0, cutAfter - sent));
        sent = cutAfter;
        cut = true;
        body.destroy();
        // The connection drops mid-body, as a lost Wi-Fi would leave it.
        setTimeout(() => req.destroy(), 50);
        return;
      }
      sent += chunk.length;
      if (!req.write(chunk)) {
        body.pause();
        req.once("drain", () => body.resume());
      }
    });
    body.on("end", () => {
      if (!cut) req.end();
    });
    body.on("error", reject);
  });
}

const encode = (metadata: Record<string, string>) =>
  Object.entries(metadata)
    .map(([key, value]) => `${key} ${Buffer.from(value).toString("base64")}`)
    .join(",");

/** POST creation: `Upload-Length` and the metadata; the upload URL (absolute) on 201. */
export async function tusCreate(endpoint: string, headers: Record<string, string>, size: number, metadata: Record<string, string>): Promise<TusAnswer & { url: string | null }> {
  const answer = await request(endpoint, "POST", { ...TUS, ...headers, "Upload-Length": String(size), "Upload-Metadata": encode(metadata) });
  const location = answer.headers.location;
  return { ...answer, url: answer.status === 201 && location ? new URL(location, endpoint).toString() : null };
}

/** HEAD: the offset the server has. */
export async function tusOffset(url: string, headers: Record<string, string>): Promise<{ status: number; offset: number }> {
  const answer = await request(url, "HEAD", { ...TUS, ...headers });
  return { status: answer.status, offset: Number(answer.headers["upload-offset"] ?? NaN) };
}

/**
 * PATCH from `offset` with `body` (the bytes from there on). With `cutAfter`, hangs up
 * after that many bytes of the body (`cut: true`; the server keeps what it received).
 */
export function tusPatch(url: string, headers: Record<string, string>, offset: number, body: Readable, options: { cutAfter?: number; length?: number } = {}): Promise<TusAnswer & { cut: boolean }> {
  const lengthHeader: Record<string, string> = options.length === undefined ? {} : { "Content-Length": String(options.length) };
  return request(url, "PATCH", { ...TUS, ...headers, "Upload-Offset": String(offset), "Content-Type": "application/offset+octet-stream", ...lengthHeader }, body, options.cutAfter);
}

/** DELETE (termination). */
export function tusDelete(url: string, headers: Record<string, string>): Promise<TusAnswer> {
  return request(url, "DELETE", { ...TUS, ...headers });
}
