import net from "node:net";
import { baseUrl } from "./context";

// One HTTP/1.1 exchange written byte for byte over a TCP socket: the request line
// and headers go out exactly as given, so no client (fetch, node:http, URL)
// resolves dot segments, re-encodes escapes, normalises slashes or refuses a
// method or header first. The answer is read until the server closes.

export interface RawResponse {
  /** 0 when the server closed the connection without answering. */
  readonly status: number;
  /** Lower-case names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** The body, de-chunked. */
  readonly body: Buffer;
  readonly elapsedMs: number;
}

export interface RawRequest {
  method?: string;
  /** The request-target exactly as sent: "/files/a/../b", "*", "http://host/x". */
  target: string;
  headers?: Record<string, string>;
  /** The Cookie header, when set. */
  cookie?: string;
  /** The Host header; default the test server's `127.0.0.1:<port>`. */
  host?: string;
  /** A body, sent as given (set Content-Length or Transfer-Encoding in `headers`). */
  body?: string;
  /** Rejects when the server has not finished answering by then. Default 10 s. */
  timeoutMs?: number;
}

/** Sends `<method> <target> HTTP/1.1` verbatim (UTF-8 bytes) with `Connection: close`. */
export function rawRequest(request: RawRequest): Promise<RawResponse> {
  const { host, port } = new URL(baseUrl());
  const lines = [`${request.method ?? "GET"} ${request.target} HTTP/1.1`, `Host: ${request.host ?? host}`, "Connection: close"];
  if (request.cookie !== undefined) lines.push(`Cookie: ${request.cookie}`);
  for (const [name, value] of Object.entries(request.headers ?? {})) lines.push(`${name}: ${value}`);
  const head = Buffer.from(`${lines.join("\r\n")}\r\n\r\n${request.body ?? ""}`, "utf8");
  const timeoutMs = request.timeoutMs ?? 10_000;
  const started = Date.now();

  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = net.connect(Number(port), new URL(baseUrl()).hostname);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer to ${request.method ?? "GET"} ${request.target.slice(0, 120)} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on("connect", () => socket.write(head));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    // A server may reset the connection after refusing a request; what arrived counts.
    socket.on("error", () => undefined);
    socket.on("close", () => {
      clearTimeout(timer);
      try {
        resolve({ ...parseResponse(Buffer.concat(chunks), request.method === "HEAD"), elapsedMs: Date.now() - started });
      } catch (error) {
        reject(error);
      }
    });
  });
}

function parseResponse(raw: Buffer, isHead: boolean): Omit<RawResponse, "elapsedMs"> {
  if (raw.length === 0) return { status: 0, headers: {}, body: Buffer.alloc(0) };
  const end = raw.indexOf("\r\n\r\n");
  if (end < 0) throw new Error(`truncated answer: ${JSON.stringify(raw.subarray(0, 200).toString("latin1"))}`);
  const [statusLine = "", ...headerLines] = raw.subarray(0, end).toString("latin1").split("\r\n");
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!status) throw new Error(`not an HTTP status line: ${JSON.stringify(statusLine)}`);
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const rest = raw.subarray(end + 4);
  const code = Number(status[1]);
  const bodyless = isHead || code === 204 || code === 304;
  const body = bodyless ? Buffer.alloc(0) : /chunked/i.test(headers["transfer-encoding"] ?? "") ? dechunk(rest) : rest;
  return { status: code, headers, body };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", offset);
    if (lineEnd < 0) throw new Error("truncated chunked body");
    const size = parseInt(data.subarray(offset, lineEnd).toString("latin1"), 16);
    if (!Number.isInteger(size) || size < 0) throw new Error("bad chunk size");
    if (size === 0) return Buffer.concat(parts);
    const start = lineEnd + 2;
    if (start + size > data.length) throw new Error("truncated chunk");
    parts.push(data.subarray(start, start + size));
    offset = start + size + 2;
  }
}
