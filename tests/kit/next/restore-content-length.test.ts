import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { LENGTH_HEADER } from "next-private-files";
import { restoreContentLength } from "next-private-files/next";

const servers: http.Server[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** A server on 127.0.0.1 using its own ServerResponse subclass, so the global prototype is never patched. */
async function serve(handler: (res: http.ServerResponse) => void, patch: number): Promise<{ url: string }> {
  class R extends http.ServerResponse {}
  for (let i = 0; i < patch; i++) restoreContentLength(R.prototype);
  const server = http.createServer({ ServerResponse: R }, (_req, res) => handler(res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/` };
}

function get(url: string): Promise<{ headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ headers: res.headers, body }));
      })
      .on("error", reject);
  });
}

// Writes the body in two chunks, as a streamed route answer does: without a
// Content-Length Node frames it with chunked encoding.
function streamedBody(res: http.ServerResponse, extra: Record<string, string> = {}): void {
  res.setHeader(LENGTH_HEADER, "11");
  for (const [name, value] of Object.entries(extra)) res.setHeader(name, value);
  res.write("hello ");
  res.end("world");
}

describe("restoreContentLength", () => {
  it("without the shim the client sees chunked framing and the private header (the control case)", async () => {
    const { url } = await serve((res) => streamedBody(res), 0);
    const { headers, body } = await get(url);
    expect(body).toBe("hello world");
    expect(headers["content-length"]).toBeUndefined();
    expect(headers["transfer-encoding"]).toBe("chunked");
    expect(headers[LENGTH_HEADER]).toBe("11");
  });

  it("turns the private header into Content-Length", async () => {
    const { url } = await serve((res) => streamedBody(res), 1);
    const { headers, body } = await get(url);
    expect(body).toBe("hello world");
    expect(headers["content-length"]).toBe("11");
    expect(headers["transfer-encoding"]).toBeUndefined();
    expect(headers[LENGTH_HEADER]).toBeUndefined();
  });

  it("works when the handler calls writeHead itself", async () => {
    const { url } = await serve((res) => {
      res.setHeader(LENGTH_HEADER, "2");
      res.writeHead(200, { "Content-Type": "text/plain" });
      res.write("o");
      res.end("k");
    }, 1);
    const { headers, body } = await get(url);
    expect(body).toBe("ok");
    expect(headers["content-length"]).toBe("2");
    expect(headers[LENGTH_HEADER]).toBeUndefined();
  });

  it("does not add Content-Length to a body being re-encoded (Content-Encoding)", async () => {
    const { url } = await serve((res) => streamedBody(res, { "Content-Encoding": "identity" }), 1);
    const { headers } = await get(url);
    expect(headers["content-length"]).toBeUndefined();
    expect(headers[LENGTH_HEADER]).toBeUndefined();
  });

  it("leaves an existing Content-Length alone", async () => {
    const { url } = await serve((res) => {
      res.setHeader(LENGTH_HEADER, "999");
      res.setHeader("Content-Length", "5");
      res.end("hello");
    }, 1);
    const { headers, body } = await get(url);
    expect(body).toBe("hello");
    expect(headers["content-length"]).toBe("5");
  });

  it("ignores a private header that is not a number", async () => {
    const { url } = await serve((res) => {
      res.setHeader(LENGTH_HEADER, "11; evil");
      res.write("hello ");
      res.end("world");
    }, 1);
    const { headers } = await get(url);
    expect(headers["content-length"]).toBeUndefined();
    expect(headers[LENGTH_HEADER]).toBeUndefined();
  });

  it("leaves answers without the private header alone", async () => {
    const { url } = await serve((res) => {
      res.write("a");
      res.end("b");
    }, 1);
    const { headers, body } = await get(url);
    expect(body).toBe("ab");
    expect(headers["transfer-encoding"]).toBe("chunked");
    expect(headers["content-length"]).toBeUndefined();
  });

  it("is harmless when called twice: one wrapper, same result", async () => {
    class Twice extends http.ServerResponse {}
    restoreContentLength(Twice.prototype);
    const wrapped = Twice.prototype.writeHead;
    restoreContentLength(Twice.prototype);
    expect(Twice.prototype.writeHead).toBe(wrapped);

    const { url } = await serve((res) => streamedBody(res), 2);
    const { headers, body } = await get(url);
    expect(body).toBe("hello world");
    expect(headers["content-length"]).toBe("11");
    expect(headers[LENGTH_HEADER]).toBeUndefined();
  });

  it("never patched the global ServerResponse prototype in these tests", () => {
    expect(Object.getOwnPropertySymbols(http.ServerResponse.prototype).map(String)).not.toContain(
      "Symbol(private-files.restore-content-length)",
    );
  });
});
