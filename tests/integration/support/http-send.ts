import http from "node:http";
import { baseUrl } from "./context";

export interface Sent {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * One request through node:http, with headers fetch() rewrites or refuses (Origin,
 * Sec-Fetch-Site, Host) sent as given.
 */
export function send(method: string, pathname: string, headers: Record<string, string>, body?: Uint8Array | string): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const request = http.request(new URL(pathname, baseUrl()), { method, headers }, (response) => {
      let text = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (text += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }));
    });
    request.on("error", reject);
    request.end(body);
  });
}

/** A multipart/form-data body (`description`, `file`) and its Content-Type, as a browser sends it. */
export async function multipartBody(fileName: string, bytes: Uint8Array, description = "uploaded in a test"): Promise<{ body: Uint8Array; contentType: string }> {
  const form = new FormData();
  form.set("description", description);
  form.set("file", new Blob([Buffer.from(bytes)]), fileName);
  const request = new Request("http://form.invalid/", { method: "POST", body: form });
  return { body: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get("content-type")! };
}
