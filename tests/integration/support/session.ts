import http from "node:http";
import { baseUrl } from "./context";
import { signInAt, type CookieJar } from "./sign-in";

export { CookieJar } from "./sign-in";

/**
 * Signs in through next-auth's own endpoints, as the sign-in page does:
 * GET /api/auth/csrf, then POST /api/auth/callback/credentials.
 */
export function signIn(email: string, password = "demo-password", base = baseUrl()): Promise<CookieJar> {
  return signInAt(base, email, password);
}

/** fetch against the test server, with a jar's cookies when given. */
export function get(pathname: string, options: { jar?: CookieJar; headers?: Record<string, string>; method?: string } = {}) {
  const headers = new Headers(options.headers);
  if (options.jar) headers.set("Cookie", options.jar.header);
  return fetch(`${baseUrl()}${pathname}`, { method: options.method ?? "GET", headers, redirect: "manual" });
}

/** A GET through node:http, for headers fetch() will not let us set (Sec-Fetch-Mode). */
export function rawGet(pathname: string, headers: Record<string, string>): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const request = http.get(`${baseUrl()}${pathname}`, { headers }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers }));
    });
    request.on("error", reject);
  });
}
