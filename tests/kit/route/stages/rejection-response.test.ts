import { describe, expect, it } from "vitest";
import { definePrivateFiles, intId, privateModel, type FileStorage } from "next-private-files";
import { internalsOf } from "../../../../lib/private-files/src/config/define";
import { LINK_USED } from "../../../../lib/private-files/src/links/check-link";
import { isRejection, reject, rejectionResponse, type Rejection } from "../../../../lib/private-files/src/route/rejection";

// The one place a stage's Rejection becomes an answer: for each kind, the status, the
// headers (Retry-After on 503, never cached) and the body, for an API client and for a
// browser navigation (the refusal page, the sign-in redirect).

const storage: FileStorage = { open: async () => null, save: () => Promise.reject(new Error("unused")), delete: async () => undefined };
const docs = privateModel<{ id: number; file: string }, number>({ id: intId, load: async () => null }).fields({ file: {} });

function configOf(options: { signInUrl?: string; refusalPage?: boolean } = {}) {
  const files = definePrivateFiles({
    models: { docs },
    getSession: async () => null,
    storage,
    retryAfterSeconds: 7,
    logger: { warn: () => undefined, error: () => undefined },
    ...(options.signInUrl ? { signInUrl: options.signInUrl } : {}),
    ...(options.refusalPage ? { refusalPage: ({ status, link }) => `<p>${status} ${link?.message ?? ""}</p>` } : {}),
  });
  return internalsOf(files).config;
}

const api = new Request("http://localhost/files/docs/file/1/a.txt");
const browser = new Request("http://localhost/files/docs/file/1/a.txt", { headers: { accept: "text/html", "sec-fetch-mode": "navigate" } });

/** Every header of an answer, as an object: extra or missing headers show up. */
const headersOf = (response: Response) => Object.fromEntries(response.headers);
const PLAIN = { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" };

describe("rejectionResponse: one answer per rejection kind", () => {
  const cases: [string, Rejection, number, Record<string, string>, string][] = [
    ["not-found", reject.notFound(), 404, PLAIN, "Not Found\n"],
    ["not-found, hidden denial", reject.notFound("forbidden"), 404, PLAIN, "Not Found\n"],
    ["unauthenticated", reject.unauthenticated("/files/docs/file/1/a.txt"), 401, PLAIN, "Unauthorized: sign in to download this file\n"],
    ["forbidden", reject.forbidden(), 403, PLAIN, "Forbidden\n"],
    ["link-refused (used)", reject.link(LINK_USED), 410, PLAIN, "Gone: link already used\n"],
    ["link-refused (expired)", reject.link({ reason: "link-expired", status: 403, message: "link expired" }), 403, PLAIN, "Forbidden: link expired\n"],
    ["unavailable", reject.unavailable("condition-timeout"), 503, { ...PLAIN, "retry-after": "7" }, "Service Unavailable\n"],
    ["failed", reject.failed("condition-error"), 500, PLAIN, "Internal Server Error\n"],
  ];
  for (const [name, rejection, status, headers, body] of cases) {
    it(`${name}: ${status} for an API client, exactly these headers`, async () => {
      const response = rejectionResponse(configOf(), api, rejection);
      expect(response.status).toBe(status);
      expect(headersOf(response)).toEqual(headers);
      expect(await response.text()).toBe(body);
    });
  }

  it("unauthenticated: a browser navigation is sent to sign in (back to returnTo), never cached; a HEAD or fetch() gets the 401", async () => {
    const config = configOf({ signInUrl: "/signin" });
    const redirect = rejectionResponse(config, browser, reject.unauthenticated("/files/docs/file/1/a.txt?x=1"));
    expect(redirect.status).toBe(302);
    expect(headersOf(redirect)).toEqual({ location: "/signin?callbackUrl=%2Ffiles%2Fdocs%2Ffile%2F1%2Fa.txt%3Fx%3D1", "cache-control": "no-store", "x-content-type-options": "nosniff" });
    const head = new Request(browser, { method: "HEAD" });
    expect(rejectionResponse(config, head, reject.unauthenticated("/x")).status).toBe(401);
    expect(rejectionResponse(config, api, reject.unauthenticated("/x")).status).toBe(401);
  });

  it("refusals are the refusal page for a browser navigation (same status, HTML, no-store); 503 and 500 never are", async () => {
    const config = configOf({ refusalPage: true });
    for (const [rejection, status, text] of [
      [reject.notFound(), 404, "<p>404 </p>"],
      [reject.forbidden(), 403, "<p>403 </p>"],
      [reject.unauthenticated("/x"), 401, "<p>401 </p>"],
      [reject.link(LINK_USED), 410, "<p>410 link already used</p>"],
    ] as const) {
      const response = rejectionResponse(config, browser, rejection);
      expect(response.status).toBe(status);
      expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.text()).toBe(text);
    }
    expect(rejectionResponse(config, browser, reject.unavailable()).headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(rejectionResponse(config, browser, reject.failed()).headers.get("content-type")).toBe("text/plain; charset=utf-8");
  });

  it("isRejection tells a rejection from any stage result, even an object with a `kind`", () => {
    for (const rejection of [reject.notFound(), reject.unavailable(), reject.failed(), reject.forbidden(), reject.link(LINK_USED)]) expect(isRejection(rejection)).toBe(true);
    for (const value of [null, undefined, "stream", { kind: "not-found" }, { kind: "failed", size: 1 }, new Date()]) expect(isRejection(value)).toBe(false);
  });

  it("the denial reason rides on the rejection (downloadDenied's reason); plain 404s, 503s and 500s carry none", () => {
    expect(reject.notFound().denial).toBeUndefined();
    expect(reject.unavailable().denial).toBeUndefined();
    expect(reject.failed().denial).toBeUndefined();
    expect(reject.notFound("anonymous").denial).toBe("anonymous");
    expect(reject.unauthenticated("/x").denial).toBe("anonymous");
    expect(reject.forbidden().denial).toBe("forbidden");
    expect(reject.link(LINK_USED).denial).toBe("link-used");
    expect(reject.unavailable("link-error").denial).toBe("link-error");
  });
});
