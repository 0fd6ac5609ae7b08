import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable, Transform } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import type { UploadRoute } from "next-private-files/tus";

// The upload route's handlers behind a real node:http server on 127.0.0.1, as a Next
// route file exports them: each request becomes a web Request (streamed body), each
// Response is written back. `cutNextPatchAfter(n)` destroys the connection of the next
// PATCH once n of its body bytes arrived (a dropped connection mid-upload).

export interface RouteServer {
  readonly url: string;
  /** Method and Upload-Offset of every request, in order. */
  readonly requests: { method: string; offset: string | undefined }[];
  cutNextPatchAfter(bytes: number): void;
  close(): Promise<void>;
}

const METHODS = ["OPTIONS", "POST", "HEAD", "PATCH", "DELETE"] as const;

export async function serveRoute(route: UploadRoute): Promise<RouteServer> {
  const requests: RouteServer["requests"] = [];
  let cutAfter: number | undefined;
  const server = http.createServer((req, res) => {
    void (async () => {
      const method = req.method ?? "GET";
      requests.push({ method, offset: req.headers["upload-offset"] as string | undefined });
      const handler = (METHODS as readonly string[]).includes(method) ? route[method as (typeof METHODS)[number]] : undefined;
      if (!handler) {
        res.writeHead(405).end();
        return;
      }
      let source: Readable = req;
      if (method === "PATCH" && cutAfter !== undefined) {
        const limit = cutAfter;
        cutAfter = undefined;
        let seen = 0;
        source = req.pipe(
          new Transform({
            transform(chunk: Buffer, _encoding, callback) {
              seen += chunk.length;
              if (seen >= limit) {
                callback(null, chunk.subarray(0, chunk.length - (seen - limit)));
                req.socket.destroy();
                return;
              }
              callback(null, chunk);
            },
          }),
        );
        req.on("close", () => {
          if (!req.complete) source.destroy(new Error("aborted"));
        });
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
      const hasBody = method === "PATCH" || method === "POST";
      const request = new Request(`http://127.0.0.1${req.url ?? "/"}`, {
        method,
        headers,
        body: hasBody ? (Readable.toWeb(source) as ReadableStream<Uint8Array>) : undefined,
        duplex: "half",
      } as RequestInit);
      const response = await handler(request);
      res.writeHead(response.status, Object.fromEntries(response.headers));
      if (response.body && method !== "HEAD") {
        Readable.fromWeb(response.body as NodeWebReadableStream<Uint8Array>).pipe(res);
      } else {
        res.end();
      }
    })().catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { "Content-Type": "text/plain" });
      res.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    cutNextPatchAfter(bytes) {
      cutAfter = bytes;
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
