import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { baseUrl } from "./support/context";
import { deleteRow, insertSubmission, randomData, writeStored } from "./support/fixtures";
import { rawRequest } from "./support/raw-http";
import { get, signIn, type CookieJar } from "./support/session";

// Issue 12, item 8: framing, Host (DNS rebinding) and malformed percent-escapes.

let alice: CookieJar;
let fileUrl = "";
let fixture = 0;
const port = () => new URL(baseUrl()).port;

beforeAll(async () => {
  alice = await signIn("alice@example.com");
  const bytes = randomData(1000);
  const stored = await writeStored(`submissions/edge-${Date.now()}.txt`, bytes);
  fixture = await insertSubmission({ owner: "alice@example.com", file: stored, fileName: "edge.txt", fileSize: bytes.length });
  fileUrl = `/files/FileSubmission/file/${fixture}/edge.txt`;
});

afterAll(async () => {
  if (fixture) await deleteRow("FileSubmission", fixture);
});

describe("framing", () => {
  it.each(["/signin", "/", "/staff"])("the page %s may not be framed by anyone", async (pathname) => {
    const response = await get(pathname, { jar: alice });
    expect(response.status).toBeLessThan(500);
    expect(response.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
  });

  it("a file answer keeps its own sandbox policy, and its bytes", async () => {
    const response = await get(fileUrl, { jar: alice });
    expect(response.status).toBe(200);
    const policy = response.headers.get("content-security-policy") ?? "";
    expect(policy).toContain("sandbox");
    expect(policy).toContain("default-src 'none'");
    expect((await response.arrayBuffer()).byteLength).toBe(1000);
  });
});

describe("Host", () => {
  const requests = () => [
    { method: "GET", target: "/signin" },
    { method: "GET", target: "/" },
    { method: "GET", target: "/api/auth/session" },
    { method: "GET", target: "/api/auth/csrf" },
    { method: "GET", target: "/api/files" },
    { method: "GET", target: fileUrl },
    { method: "HEAD", target: fileUrl },
    { method: "POST", target: "/api/auth/callback/credentials", body: "email=alice%40example.com&password=demo-password", type: "application/x-www-form-urlencoded" },
    { method: "POST", target: "/api/links", body: JSON.stringify({ file: fixture, kind: "24h" }), type: "application/json" },
  ];

  it.each(["evil.example", "evil.example:80", `rebound.example:${"PORT"}`])("%s is answered 421 everywhere (DNS rebinding)", async (hostPattern) => {
    const host = hostPattern.replace("PORT", port());
    for (const r of requests()) {
      const headers: Record<string, string> = r.body === undefined ? {} : { "Content-Type": r.type!, "Content-Length": String(Buffer.byteLength(r.body)) };
      const response = await rawRequest({ method: r.method, target: r.target, host, cookie: alice.header, headers, body: r.body });
      expect(response.status, `${r.method} ${r.target} with Host: ${host}`).toBe(421);
    }
  });

  it.each(["127.0.0.1", "localhost"])("%s on the app's port is served", async (name) => {
    const host = `${name}:${port()}`;
    expect((await rawRequest({ target: "/signin", host })).status).toBe(200);
    expect((await rawRequest({ target: "/api/auth/csrf", host })).status).toBe(200);
    const file = await rawRequest({ target: fileUrl, host, cookie: alice.header });
    expect(file.status).toBe(200);
    expect(file.body.length).toBe(1000);
  });

  it("a share link is built from the configured URL, not from Host or X-Forwarded-Host", async () => {
    const body = JSON.stringify({ file: fixture, kind: "24h" });
    const response = await rawRequest({
      method: "POST",
      target: "/api/links",
      host: `localhost:${port()}`,
      cookie: alice.header,
      headers: { "Content-Type": "application/json", "Content-Length": String(body.length), "X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https" },
      body,
    });
    expect(response.status).toBe(201);
    expect(new URL((JSON.parse(response.body.toString()) as { url: string }).url).origin).toBe(baseUrl());
  });
});

describe("malformed percent-escapes", () => {
  const targets = [
    ["DELETE", "/api/links/%zz"],
    ["DELETE", "/api/links/%E0%A4%A"],
    ["GET", "/api/links/%zz"],
    ["GET", "/api/auth/%zz"],
    ["GET", "/api/auth/callback/%"],
    ["POST", "/api/auth/callback/%zz"],
    ["GET", "/api/files/%zz"],
    ["GET", "/%zz"],
    ["GET", "/signin/%zz"],
    ["GET", "/staff/%c0%af"],
    ["GET", "/files/FileSubmission/file/1/%zz"],
  ] as const;

  it.each(targets)("%s %s gets 400 or 404, never 500", async (method, target) => {
    for (const body of method === "GET" ? [undefined] : [undefined, "x=1"]) {
      const headers: Record<string, string> = body === undefined ? {} : { "Content-Type": "application/x-www-form-urlencoded", "Content-Length": String(body.length) };
      const response = await rawRequest({ method, target, cookie: alice.header, headers, body });
      expect([400, 404], `${method} ${target}${body ? " with a body" : ""}: ${response.status}`).toContain(response.status);
    }
  });
});
