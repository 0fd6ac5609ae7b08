import { describe, expect, it } from "vitest";
import {
  allowedHosts,
  appOrigins,
  assertSameOrigin,
  CrossSiteRequestError,
  isAllowedHost,
  readBody,
  readJson,
  RequestBodyError,
} from "next-private-files";

const post = (headers: Record<string, string>, body?: BodyInit) => new Request("http://app.test/x", { method: "POST", headers, body, duplex: "half" } as RequestInit);

/** A body that streams `chunks` chunks of 1 KiB and counts how many were pulled. */
function counted(chunks: number) {
  const state = { pulled: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled++ >= chunks) controller.close();
      else controller.enqueue(new Uint8Array(1024));
    },
  });
  return { stream, state };
}

describe("readBody", () => {
  it("refuses a Content-Length over the limit before reading", async () => {
    const { stream, state } = counted(100);
    const request = post({ "Content-Length": "102400" }, stream);
    await expect(readBody(request, { limit: 16 * 1024 })).rejects.toMatchObject({ status: 413 });
    expect(state.pulled).toBeLessThanOrEqual(1);
  });

  it("stops reading a body without Content-Length once it passes the limit", async () => {
    const { stream, state } = counted(1000);
    await expect(readBody(post({}, stream), { limit: 4096 })).rejects.toBeInstanceOf(RequestBodyError);
    expect(state.pulled).toBeLessThan(10);
  });

  it("returns a body at the limit whole", async () => {
    expect((await readBody(post({}, new Uint8Array(4096)), { limit: 4096 })).byteLength).toBe(4096);
  });
});

describe("readJson", () => {
  it.each(["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""])("refuses Content-Type %j with 403", async (type) => {
    const headers: Record<string, string> = type ? { "Content-Type": type } : {};
    await expect(readJson(post(headers, "{}"), { limit: 100 })).rejects.toMatchObject({ status: 403, message: expect.stringMatching(/application\/json/) });
  });

  it("parses application/json (with parameters), and answers 400 to bad JSON", async () => {
    expect(await readJson(post({ "Content-Type": "application/json; charset=utf-8" }, '{"a":1}'), { limit: 100 })).toEqual({ a: 1 });
    await expect(readJson(post({ "Content-Type": "application/json" }, "{nope"), { limit: 100 })).rejects.toMatchObject({ status: 400 });
  });
});

describe("appOrigins and the Host check", () => {
  const origins = appOrigins({ publicUrl: "https://Files.Example.com/", port: 3000, extra: ["", "not a url", "ftp://x"] });

  it("lists the public origin and loopback on the port, ignoring what is not an http(s) origin", () => {
    expect(origins).toEqual(["https://files.example.com", "http://localhost:3000", "http://127.0.0.1:3000"]);
  });

  it("accepts those hosts only", () => {
    const hosts = allowedHosts(origins);
    const withHost = (host: string) => new Request("http://app.test/", { headers: { Host: host } });
    for (const host of ["files.example.com", "FILES.example.com", "files.example.com:443", "localhost:3000", "127.0.0.1:3000"]) {
      expect(isAllowedHost(withHost(host), hosts), host).toBe(true);
    }
    for (const host of ["evil.example", "files.example.com:80", "localhost:3001", "127.0.0.1", "files.example.com.evil.example"]) {
      expect(isAllowedHost(withHost(host), hosts), host).toBe(false);
    }
  });
});

describe("assertSameOrigin", () => {
  const origins = ["https://files.example.com"];
  const check = (headers: Record<string, string>) => () => assertSameOrigin(post(headers), origins);

  it("refuses another Origin, a null one, and cross-site or same-site Sec-Fetch-Site without Origin", () => {
    for (const headers of [{ Origin: "https://evil.example" }, { Origin: "null" }, { Origin: "https://files.example.com.evil.example" }, { "Sec-Fetch-Site": "cross-site" }, { "Sec-Fetch-Site": "same-site" }] as Record<string, string>[]) {
      expect(check(headers), JSON.stringify(headers)).toThrow(CrossSiteRequestError);
    }
  });

  it("passes the app's own origin, same-origin or user-initiated fetches, and clients that send neither header", () => {
    for (const headers of [{ Origin: "https://files.example.com" }, { Origin: "https://files.example.com", "Sec-Fetch-Site": "cross-site" }, { "Sec-Fetch-Site": "same-origin" }, { "Sec-Fetch-Site": "none" }, {}] as Record<string, string>[]) {
      expect(check(headers), JSON.stringify(headers)).not.toThrow();
    }
  });
});
