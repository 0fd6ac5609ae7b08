import { createHash, randomBytes } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startS3rver, type TestS3Server } from "../../support/s3rver";
import { routeFixture, type FixtureOptions, type RouteFixture, type StorageKind } from "./support/setup";
import { metadataHeader, tusUpload } from "./support/tus-client";

// createUploadRoute end to end: the real @tus/server behind a real node:http server,
// driven by the real tus-js-client and by raw tus requests, over a local directory and
// over s3rver (multipart, with the harness's ListParts and Abort).

const MiB = 1024 * 1024;
const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");
const pdf = (size: number) => Buffer.concat([Buffer.from("%PDF-1.7\n"), randomBytes(size - 9)]);
const TUS = { "Tus-Resumable": "1.0.0" };

let s3: TestS3Server;
beforeAll(async () => {
  s3 = await startS3rver();
});
afterAll(async () => {
  await s3?.stop();
});

async function create(fixture: RouteFixture, size: number, options: { user?: string; name?: string; headers?: Record<string, string> } = {}): Promise<Response> {
  return fetch(fixture.endpoint, {
    method: "POST",
    headers: {
      ...TUS,
      "Upload-Length": String(size),
      "Upload-Metadata": metadataHeader({ model: "docs", field: "file", filename: options.name ?? "report.pdf" }),
      ...(options.user === undefined ? {} : { "x-user": options.user }),
      ...options.headers,
    },
  });
}

function uploadUrl(fixture: RouteFixture, created: Response): string {
  const location = created.headers.get("location");
  if (!location) throw new Error(`no Location (status ${created.status})`);
  return new URL(location, fixture.endpoint).href;
}

function patch(url: string, offset: number, body: Uint8Array | ReadableStream<Uint8Array>, user: string | undefined, headers: Record<string, string> = {}) {
  return fetch(url, {
    method: "PATCH",
    headers: { ...TUS, "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(offset), ...(user ? { "x-user": user } : {}), ...headers },
    body,
    duplex: "half",
  } as RequestInit);
}

describe.each<StorageKind>(["local", "s3"])("createUploadRoute over %s storage", (kind) => {
  let fixture: RouteFixture | undefined;
  const setup = async (options: FixtureOptions = {}) => (fixture = await routeFixture(kind, s3, options));
  afterEach(async () => {
    await fixture?.close();
    fixture = undefined;
  });

  it("tus-js-client uploads a file, resumes after the connection is cut mid-PATCH, and the stored bytes' sha256 match", { timeout: 60_000 }, async () => {
    const f = await setup({ route: { s3: { partSize: 5 * MiB } } });
    const data = pdf(12 * MiB + 12345);
    f.server.cutNextPatchAfter(7 * MiB);
    const result = await tusUpload(f.endpoint, data, { model: "docs", field: "file", filename: "big.pdf" }, { headers: { "x-user": "u1" } });
    const patches = f.server.requests.filter((r) => r.method === "PATCH");
    // Two PATCHes: the cut one from 0, the resumed one from where HEAD said.
    expect(patches.length).toBe(2);
    expect(patches[0]?.offset).toBe("0");
    expect(Number(patches[1]?.offset)).toBeGreaterThan(0);
    expect(f.server.requests.some((r) => r.method === "HEAD")).toBe(true);
    // The completion answer carries onUploadComplete's result.
    const body = JSON.parse(result.body) as { saved: string; size: number };
    expect(body.size).toBe(data.length);
    expect(f.completed).toEqual([{ path: body.saved, size: data.length, user: "u1" }]);
    expect(sha256(await f.read(body.saved))).toBe(sha256(data));
    // Only the file is left: no tus bookkeeping (.json, .info, .part).
    expect(await f.stored()).toEqual([body.saved]);
  });

  it("HEAD answers the stored offset and the length, with Upload-Expires", async () => {
    const f = await setup();
    const created = await create(f, 10_000, { user: "u1" });
    expect(created.status).toBe(201);
    expect(new Date(created.headers.get("upload-expires") ?? "").getTime()).toBeGreaterThan(Date.now() + 60 * 60 * 1000);
    const url = uploadUrl(f, created);
    const sent = await patch(url, 0, pdf(6000), "u1");
    expect(sent.status).toBe(204);
    expect(sent.headers.get("upload-offset")).toBe("6000");
    const head = await fetch(url, { method: "HEAD", headers: { ...TUS, "x-user": "u1" } });
    expect(head.status).toBe(200);
    expect(head.headers.get("upload-offset")).toBe("6000");
    expect(head.headers.get("upload-length")).toBe("10000");
  });

  it("refuses an anonymous creation with 401 and one the field's condition refuses with 403; stores and reserves nothing", async () => {
    const f = await setup();
    const anonymous = await create(f, 1000);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("tus-resumable")).toBe("1.0.0");
    expect((await create(f, 1000, { user: "blocked" })).status).toBe(403);
    expect(await f.stored()).toEqual([]);
    expect(await f.pending.reservedBytes("blocked", new Date())).toBe(0);
  });

  it("refuses a creation for a field without an upload declaration, or without model, field or filename", async () => {
    const f = await setup();
    const other = await fetch(f.endpoint, {
      method: "POST",
      headers: { ...TUS, "Upload-Length": "10", "Upload-Metadata": metadataHeader({ model: "docs", field: "nope", filename: "a.pdf" }), "x-user": "u1" },
    });
    expect(other.status).toBe(404);
    const bare = await fetch(f.endpoint, { method: "POST", headers: { ...TUS, "Upload-Length": "10", "x-user": "u1" } });
    expect(bare.status).toBe(400);
    expect(await bare.text()).toMatch(/model, field and filename/);
  });

  it("refuses a creation whose extension the field does not accept with 415", async () => {
    const f = await setup();
    expect((await create(f, 1000, { user: "u1", name: "tool.exe" })).status).toBe(415);
  });

  it("refuses a creation over the size limit with 413", async () => {
    const f = await setup({ maxUploadBytes: 5000 });
    expect((await create(f, 5001, { user: "u1" })).status).toBe(413);
    expect((await create(f, 5000, { user: "u1" })).status).toBe(201);
  });

  it("refuses a creation over the quota with 413, counting the user's other pending uploads", async () => {
    const f = await setup({ quotaBytes: 10_000 });
    expect((await create(f, 6000, { user: "u1" })).status).toBe(201);
    expect((await create(f, 6000, { user: "u1" })).status).toBe(413);
    expect((await create(f, 6000, { user: "u2" })).status).toBe(201);
  });

  it("keeps the quota exact under 20 concurrent creations: exactly as many reserved as fit", async () => {
    const f = await setup({ quotaBytes: 7 * 1000 });
    const answers = await Promise.all(Array.from({ length: 20 }, () => create(f, 1000, { user: "u1" })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 201)).toHaveLength(7);
    expect(statuses.filter((status) => status === 413)).toHaveLength(13);
  });

  it("answers 415 to a type mismatch in the first bytes, and keeps nothing: no file, no tus bookkeeping, no pending upload", async () => {
    const f = await setup();
    const url = uploadUrl(f, await create(f, 20_000, { user: "u1" }));
    // A renamed executable: "MZ" where a PDF starts with "%PDF-". Half the file, so the
    // refusal is the first bytes' check, not the completion's.
    const refused = await patch(url, 0, Buffer.concat([Buffer.from("MZ"), randomBytes(9_998)]), "u1");
    expect(refused.status).toBe(415);
    expect(await f.stored()).toEqual([]);
    expect(await f.pending.reservedBytes("u1", new Date())).toBe(0);
    const head = await fetch(url, { method: "HEAD", headers: { ...TUS, "x-user": "u1" } });
    expect(head.status).toBe(404);
  });

  it("checks the first bytes across PATCHes when the first one brings fewer than the sniffed length", async () => {
    const f = await setup();
    const url = uploadUrl(f, await create(f, 20_000, { user: "u1" }));
    expect((await patch(url, 0, Buffer.from("MZ\x90\x00"), "u1")).status).toBe(204);
    expect((await patch(url, 4, randomBytes(19_996), "u1")).status).toBe(415);
    expect(await f.stored()).toEqual([]);
  });

  it("answers 404 to another user's upload URL, for HEAD, PATCH and DELETE, as for one that does not exist", async () => {
    const f = await setup();
    const url = uploadUrl(f, await create(f, 1000, { user: "u1" }));
    for (const method of ["HEAD", "DELETE"]) {
      expect((await fetch(url, { method, headers: { ...TUS, "x-user": "u2" } })).status).toBe(404);
      expect((await fetch(url, { method, headers: TUS })).status).toBe(404);
    }
    expect((await patch(url, 0, pdf(1000), "u2")).status).toBe(404);
    expect((await fetch(`${f.endpoint}/AAAAAAAAAAAAAAAAAAAAAAAA`, { method: "HEAD", headers: { ...TUS, "x-user": "u1" } })).status).toBe(404);
    // The owner's upload is untouched.
    expect((await fetch(url, { method: "HEAD", headers: { ...TUS, "x-user": "u1" } })).headers.get("upload-offset")).toBe("0");
  });

  it("DELETE removes the bytes, the tus bookkeeping and the pending upload", async () => {
    const f = await setup();
    const url = uploadUrl(f, await create(f, 10_000, { user: "u1" }));
    expect((await patch(url, 0, pdf(5000), "u1")).status).toBe(204);
    expect((await f.stored()).length).toBeGreaterThan(0);
    const deleted = await fetch(url, { method: "DELETE", headers: { ...TUS, "x-user": "u1" } });
    expect(deleted.status).toBe(204);
    expect(await f.stored()).toEqual([]);
    expect((await fetch(url, { method: "HEAD", headers: { ...TUS, "x-user": "u1" } })).status).toBe(404);
  });

  it("prune() removes expired uploads' bytes and rows, and leaves the unexpired", async () => {
    const f = await setup();
    const created = await create(f, 10_000, { user: "u1" });
    const old = uploadUrl(f, created);
    const sent = await patch(old, 0, pdf(5000), "u1");
    expect(sent.status).toBe(204);
    // Upload-Expires is the pending upload's expiresAt, on creation and on each PATCH.
    const expires = new Date(created.headers.get("upload-expires") ?? "");
    expect(sent.headers.get("upload-expires")).toBe(created.headers.get("upload-expires"));
    expect(await f.route.prune({ now: new Date(expires.getTime() - 60_000) })).toBe(0);
    expect(await f.route.prune({ now: new Date(expires.getTime() + 1000) })).toBe(1);
    expect(await f.stored()).toEqual([]);
    expect(await f.pending.expired(new Date(expires.getTime() + 1000), 10)).toEqual([]);
    expect((await fetch(old, { method: "HEAD", headers: { ...TUS, "x-user": "u1" } })).status).toBe(404);
  });

  it("refuses Upload-Defer-Length with 400: the length must be declared", async () => {
    const f = await setup();
    const answer = await fetch(f.endpoint, {
      method: "POST",
      headers: { ...TUS, "Upload-Defer-Length": "1", "Upload-Metadata": metadataHeader({ model: "docs", field: "file", filename: "a.pdf" }), "x-user": "u1" },
    });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toMatch(/Upload-Length/);
    expect(await f.stored()).toEqual([]);
  });

  it("refuses a body longer than the declared length, with or without Content-Length, and completes nothing", async () => {
    const f = await setup();
    const url = uploadUrl(f, await create(f, 5000, { user: "u1" }));
    const sized = await patch(url, 0, pdf(6000), "u1");
    expect(sized.status).toBe(413);
    // Chunked: the length is only known as the bytes come.
    const data = pdf(6000);
    const chunked = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(data.subarray(0, 5000));
        controller.enqueue(data.subarray(5000));
        controller.close();
      },
    });
    const streamed = await patch(url, 0, chunked, "u1");
    expect(streamed.status).toBeGreaterThanOrEqual(400);
    expect(f.completed).toEqual([]);
    const head = await fetch(url, { method: "HEAD", headers: { ...TUS, "x-user": "u1" } });
    expect(Number(head.headers.get("upload-offset"))).toBeLessThan(5000);
  });
});
