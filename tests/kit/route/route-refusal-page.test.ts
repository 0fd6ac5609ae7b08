import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Session } from "next-private-files";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createPrivateFileRoute,
  definePrivateFiles,
  downloadDenied,
  intId,
  localFileStorage,
  owner,
  privateModel,
  type DenialEvent,
  type PrivateFileRoute,
  type Refusal,
} from "next-private-files";

// `refusalPage`: browser navigations get an HTML page with the refusal's status;
// everyone else keeps the plain-text answers. Through the route in process.

type Doc = { id: number; ownerId: number; file: string | null; hidden: string | null };

const DATA = randomBytes(4096);
const MARKER = DATA.subarray(0, 32);
const tmp = mkdtempSync(path.join(os.tmpdir(), "pf-refusal-"));
const root = path.join(tmp, "root");
const records = new Map<number, Doc>();

const docs = privateModel<Doc, number>({ id: intId, load: async (id) => records.get(id) ?? null }).fields({
  file: { uploadTo: "docs", condition: owner("ownerId"), originalName: () => "report.bin" },
  hidden: { uploadTo: "docs", condition: owner("ownerId"), denial: "not-found", originalName: () => "report.bin" },
});

const sessions: Record<string, Session> = {
  alice: { user: { id: "1", name: "Alice", email: "alice@example.com" } },
  bob: { user: { id: "2", name: "Bob", email: "bob@example.com" } },
};

let rendered: Refusal[] = [];
let throwing = false;
const errors: string[] = [];
const page = (refusal: Refusal) => {
  rendered.push(refusal);
  if (throwing) throw new Error("template broke");
  return `<!doctype html><html lang="en"><title>${refusal.status}</title><h1>Refused with ${refusal.status}</h1></html>`;
};

let withSignIn: PrivateFileRoute;
let withoutSignIn: PrivateFileRoute;
let withoutPage: PrivateFileRoute;

beforeAll(async () => {
  await fs.mkdir(path.join(root, "docs"), { recursive: true });
  await fs.writeFile(path.join(root, "docs", "report.bin"), DATA);
  records.set(1, { id: 1, ownerId: 1, file: "docs/report.bin", hidden: "docs/report.bin" });
  const base = {
    models: { docs },
    getSession: async (request: Request) => sessions[request.headers.get("x-test-user") ?? ""] ?? null,
    storage: localFileStorage({ root }),
    logger: { warn: () => undefined, error: (message: string) => void errors.push(message) },
  };
  withSignIn = createPrivateFileRoute(definePrivateFiles({ ...base, signInUrl: "/signin", refusalPage: page }));
  withoutSignIn = createPrivateFileRoute(definePrivateFiles({ ...base, refusalPage: page }));
  withoutPage = createPrivateFileRoute(definePrivateFiles({ ...base, signInUrl: "/signin" }));
});

afterAll(() => fs.rm(tmp, { recursive: true, force: true }));

const denials: DenialEvent<unknown>[] = [];
const onDenial = (event: DenialEvent<unknown>) => void denials.push(event);
beforeEach(() => {
  rendered = [];
  throwing = false;
  errors.length = 0;
  denials.length = 0;
  downloadDenied.connect(onDenial);
});
afterEach(() => downloadDenied.disconnect(onDenial));

const NAVIGATE = { "Sec-Fetch-Mode": "navigate", Accept: "text/html,application/xhtml+xml,*/*;q=0.8" };
const REPORT = "/files/docs/file/1/report.bin";

function call(route: PrivateFileRoute, url: string, options: { user?: string; headers?: Record<string, string>; method?: "GET" | "HEAD" } = {}) {
  const headers = new Headers(options.headers);
  if (options.user) headers.set("x-test-user", options.user);
  const method = options.method ?? "GET";
  return route[method](new Request(`http://localhost${url}`, { method, headers }));
}

/** The answer carries a page, and nothing of the file. */
async function expectPage(response: Response, status: number) {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expect(response.headers.get("cache-control")).toBe("no-store");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
  expect(response.headers.get("content-security-policy")).not.toContain("script-src");
  for (const header of ["content-disposition", "etag", "last-modified", "accept-ranges", "content-range"]) {
    expect(response.headers.get(header), header).toBeNull();
  }
  const body = Buffer.from(await response.arrayBuffer());
  expect(body.includes(MARKER)).toBe(false);
  expect(body.toString()).toBe(`<!doctype html><html lang="en"><title>${status}</title><h1>Refused with ${status}</h1></html>`);
}

describe("a browser navigation gets the page, with the refusal's status", () => {
  it("403: a signed-in user the condition refuses", async () => {
    await expectPage(await call(withSignIn, REPORT, { user: "bob", headers: NAVIGATE }), 403);
    expect(rendered.map((r) => r.status)).toEqual([403]);
    expect(new URL(rendered[0]!.request.url).pathname).toBe(REPORT);
    // The audit signal still reports the status sent.
    expect(denials.map((d) => [d.reason, d.status])).toEqual([["forbidden", 403]]);
  });

  it("404: no such record, an unknown model, a wrong name, and a field that hides denials", async () => {
    for (const [url, user] of [
      ["/files/docs/file/999/report.bin", "alice"],
      ["/files/nope/file/1/report.bin", "alice"],
      ["/files/docs/file/1/other.bin", "alice"],
      ["/files/docs/hidden/1/report.bin", "bob"],
      ["/files/docs/hidden/1/report.bin", undefined],
    ] as const) {
      await expectPage(await call(withSignIn, url, { user, headers: NAVIGATE }), 404);
    }
    expect(rendered.map((r) => r.status)).toEqual([404, 404, 404, 404, 404]);
  });

  it("Accept: text/html without Sec-Fetch-Mode counts as a navigation (an older browser)", async () => {
    await expectPage(await call(withSignIn, REPORT, { user: "bob", headers: { Accept: "text/html" } }), 403);
  });

  it("401 for an anonymous navigation when there is no signInUrl", async () => {
    await expectPage(await call(withoutSignIn, REPORT, { headers: NAVIGATE }), 401);
    expect(denials.map((d) => [d.reason, d.status])).toEqual([["anonymous", 401]]);
  });

  it("with a signInUrl an anonymous navigation is still redirected, and no page is rendered", async () => {
    const response = await call(withSignIn, REPORT, { headers: NAVIGATE });
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe(`/signin?callbackUrl=${encodeURIComponent(REPORT)}`);
    expect(rendered).toEqual([]);
  });

  it("a granted navigation gets the file, not a page", async () => {
    const response = await call(withSignIn, REPORT, { user: "alice", headers: NAVIGATE });
    expect(response.status).toBe(200);
    expect(Buffer.from(await response.arrayBuffer()).equals(DATA)).toBe(true);
    expect(rendered).toEqual([]);
  });
});

describe("everyone else keeps the plain-text answers", () => {
  it.each([
    ["fetch() (Sec-Fetch-Mode: cors), even accepting HTML", { "Sec-Fetch-Mode": "cors", Accept: "text/html" }],
    ["a JSON client", { Accept: "application/json" }],
    ["curl (Accept: */*)", { Accept: "*/*" }],
    ["no Accept at all", {}],
  ])("%s", async (_label, headers: Record<string, string>) => {
    const forbidden = await call(withSignIn, REPORT, { user: "bob", headers });
    expect(forbidden.status).toBe(403);
    expect(forbidden.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await forbidden.text()).toBe("Forbidden\n");
    const missing = await call(withSignIn, "/files/docs/file/999/report.bin", { user: "alice", headers });
    expect(await missing.text()).toBe("Not Found\n");
    const anonymous = await call(withoutSignIn, REPORT, { headers });
    expect(anonymous.status).toBe(401);
    expect(await anonymous.text()).toBe("Unauthorized: sign in to download this file\n");
    expect(rendered).toEqual([]);
  });

  it("HEAD, even from a navigation", async () => {
    const response = await call(withSignIn, REPORT, { user: "bob", method: "HEAD", headers: NAVIGATE });
    expect(response.status).toBe(403);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(rendered).toEqual([]);
  });

  it("a config without refusalPage answers navigations in plain text", async () => {
    const response = await call(withoutPage, REPORT, { user: "bob", headers: NAVIGATE });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Forbidden\n");
  });

  it("a refusalPage that throws is logged, and the plain answer goes out with the same status", async () => {
    throwing = true;
    const response = await call(withSignIn, REPORT, { user: "bob", headers: NAVIGATE });
    expect(response.status).toBe(403);
    expect(await response.text()).toBe("Forbidden\n");
    expect(rendered).toHaveLength(1);
    expect(errors).toEqual(["refusalPage threw; answering in plain text"]);
  });
});
