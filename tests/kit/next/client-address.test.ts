import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { CLIENT_ADDRESS_HEADER, clientAddress, trustProxyFromEnv } from "next-private-files";
import { stampClientAddress } from "next-private-files/next";

const request = (headers: Record<string, string>) => new Request("http://app.test/x", { headers });

describe("clientAddress", () => {
  it("is the stamped socket address, whatever X-Forwarded-For says, when no proxy is trusted", () => {
    const forged = request({ [CLIENT_ADDRESS_HEADER]: "127.0.0.1", "X-Forwarded-For": "203.0.113.9" });
    expect(clientAddress(forged)).toBe("127.0.0.1");
    expect(clientAddress(forged, { trustProxy: false })).toBe("127.0.0.1");
    expect(clientAddress(forged, { trustProxy: 0 })).toBe("127.0.0.1");
  });

  it("is null without a stamp (the shim is not installed) and no trusted proxy", () => {
    expect(clientAddress(request({ "X-Forwarded-For": "203.0.113.9" }))).toBeNull();
    expect(clientAddress(request({}))).toBeNull();
    expect(clientAddress(request({ [CLIENT_ADDRESS_HEADER]: "not an address" }))).toBeNull();
  });

  it("with n trusted hops, takes the n-th entry from the right of X-Forwarded-For", () => {
    const chain = request({ [CLIENT_ADDRESS_HEADER]: "10.0.0.2", "X-Forwarded-For": "198.51.100.1, 203.0.113.7 ,10.0.0.1" });
    expect(clientAddress(chain, { trustProxy: true })).toBe("10.0.0.1");
    expect(clientAddress(chain, { trustProxy: 1 })).toBe("10.0.0.1");
    expect(clientAddress(chain, { trustProxy: 2 })).toBe("203.0.113.7");
    expect(clientAddress(chain, { trustProxy: 3 })).toBe("198.51.100.1");
    // fewer entries than hops: the left-most one
    expect(clientAddress(chain, { trustProxy: 9 })).toBe("198.51.100.1");
  });

  it("falls back to the socket address when the trusted entry is missing or not an address", () => {
    expect(clientAddress(request({ [CLIENT_ADDRESS_HEADER]: "10.0.0.2" }), { trustProxy: 1 })).toBe("10.0.0.2");
    expect(clientAddress(request({ [CLIENT_ADDRESS_HEADER]: "10.0.0.2", "X-Forwarded-For": "evil" }), { trustProxy: 1 })).toBe("10.0.0.2");
    expect(clientAddress(request({ [CLIENT_ADDRESS_HEADER]: "10.0.0.2", "X-Forwarded-For": " , " }), { trustProxy: 1 })).toBe("10.0.0.2");
  });

  it("gives IPv4-mapped IPv6 addresses as IPv4 and IPv6 in lower case", () => {
    expect(clientAddress(request({ [CLIENT_ADDRESS_HEADER]: "::ffff:192.0.2.4" }))).toBe("192.0.2.4");
    expect(clientAddress(request({ [CLIENT_ADDRESS_HEADER]: "2001:DB8::1" }))).toBe("2001:db8::1");
  });
});

describe("trustProxyFromEnv", () => {
  it("reads true, a hop count, and nothing else", () => {
    expect(trustProxyFromEnv("true")).toBe(true);
    expect(trustProxyFromEnv(" TRUE ")).toBe(true);
    expect(trustProxyFromEnv("2")).toBe(2);
    expect(trustProxyFromEnv("0")).toBe(0);
    for (const value of [undefined, "", "false", "yes", "-1", "1.5"]) expect(trustProxyFromEnv(value)).toBe(false);
  });
});

describe("stampClientAddress", () => {
  const servers: http.Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });

  /** A server of its own Server subclass, so the global prototype is never patched. */
  async function serve(patch: number): Promise<{ port: number; seen: http.IncomingMessage[] }> {
    class S extends http.Server {}
    for (let i = 0; i < patch; i++) stampClientAddress(S.prototype);
    const seen: http.IncomingMessage[] = [];
    const server = new S((req, res) => {
      seen.push(req);
      res.end("ok");
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { port: (server.address() as AddressInfo).port, seen };
  }

  const get = (port: number, headers: http.OutgoingHttpHeaders) =>
    new Promise<void>((resolve, reject) => {
      http.get({ host: "127.0.0.1", port, headers, agent: false }, (res) => res.resume().on("end", resolve)).on("error", reject);
    });

  it("replaces a client-sent stamp with the socket address, in headers and rawHeaders, once however often installed", async () => {
    const { port, seen } = await serve(2);
    await get(port, { [CLIENT_ADDRESS_HEADER]: "203.0.113.9", "X-Private-Files-Client-Address": "198.51.100.1", "X-Forwarded-For": "203.0.113.9" });
    const [req] = seen;
    expect(req!.headers[CLIENT_ADDRESS_HEADER]).toBe("127.0.0.1");
    const raw = req!.rawHeaders.filter((_, i, all) => i % 2 === 1 && all[i - 1]!.toLowerCase() === CLIENT_ADDRESS_HEADER);
    expect(raw).toEqual(["127.0.0.1"]);
    // X-Forwarded-For is left alone: clientAddress() decides whether to trust it.
    expect(req!.headers["x-forwarded-for"]).toBe("203.0.113.9");
  });

  it("stamps a request that sent none", async () => {
    const { port, seen } = await serve(1);
    await get(port, {});
    expect(seen[0]!.headers[CLIENT_ADDRESS_HEADER]).toBe("127.0.0.1");
  });

  it("leaves the header alone on a server whose prototype is not patched", async () => {
    const { port, seen } = await serve(0);
    await get(port, { [CLIENT_ADDRESS_HEADER]: "203.0.113.9" });
    expect(seen[0]!.headers[CLIENT_ADDRESS_HEADER]).toBe("203.0.113.9");
  });
});
