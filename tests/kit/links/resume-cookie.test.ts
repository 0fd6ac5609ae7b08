import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { carriesResumeProof, newResumeProof, RESUME_COOKIE_PREFIX, resumeCookie } from "../../../lib/private-files/src/links/resume-cookie";

// The proof that a request comes from the client that spent a single-use link.

const ID = "A".repeat(22);
const request = (cookie?: string) => new Request("http://localhost/files/docs/file/1/a.pdf", cookie === undefined ? {} : { headers: { cookie } });

describe("newResumeProof", () => {
  it("is 256 random bits, and the digest the store keeps is their SHA-256, not the secret", () => {
    const proofs = Array.from({ length: 50 }, () => newResumeProof());
    for (const { secret, digest } of proofs) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, "base64url")).toHaveLength(32);
      expect(digest).toBe(createHash("sha256").update(secret).digest("base64url"));
      expect(digest).not.toBe(secret);
    }
    expect(new Set(proofs.map((p) => p.secret)).size).toBe(50);
  });
});

describe("resumeCookie", () => {
  it("is HttpOnly, SameSite=Lax, scoped to the file's path, lasts the window, Secure only over https", () => {
    expect(RESUME_COOKIE_PREFIX).toBe("pf-resume-");
    expect(resumeCookie(ID, "s3cret", { path: "/files/docs/file/1/a%20b.pdf", maxAgeSeconds: 600, secure: false })).toBe(
      `pf-resume-${ID}=s3cret; Path=/files/docs/file/1/a%20b.pdf; Max-Age=600; HttpOnly; SameSite=Lax`,
    );
    expect(resumeCookie(ID, "s3cret", { path: "/f", maxAgeSeconds: 59.9, secure: true })).toBe(`pf-resume-${ID}=s3cret; Path=/f; Max-Age=59; HttpOnly; SameSite=Lax; Secure`);
  });
});

describe("carriesResumeProof", () => {
  // Made in each test, not while tests are collected (see docs/security.md, Mutation testing).
  it("accepts the link's cookie, alone or among others", () => {
    const { secret, digest } = newResumeProof();
    expect(carriesResumeProof(request(`pf-resume-${ID}=${secret}`), ID, digest)).toBe(true);
    expect(carriesResumeProof(request(`a=1; pf-resume-${ID}=${secret}; b=2`), ID, digest)).toBe(true);
  });

  it("refuses no cookie, another value, another link's cookie, a name that only starts alike, and a record without a digest", () => {
    const { secret, digest } = newResumeProof();
    expect(carriesResumeProof(request(), ID, digest)).toBe(false);
    expect(carriesResumeProof(request("a=1"), ID, digest)).toBe(false);
    expect(carriesResumeProof(request(`pf-resume-${ID}=${secret}x`), ID, digest)).toBe(false);
    expect(carriesResumeProof(request(`pf-resume-${"B".repeat(22)}=${secret}`), ID, digest)).toBe(false);
    expect(carriesResumeProof(request(`pf-resume-${ID}x=${secret}`), ID, digest)).toBe(false);
    expect(carriesResumeProof(request(`pf-resume-${ID}`), ID, digest)).toBe(false);
    expect(carriesResumeProof(request(`pf-resume-${ID}=${secret}`), ID, null)).toBe(false);
    // The digest itself as the cookie (a copy of the database) proves nothing.
    expect(carriesResumeProof(request(`pf-resume-${ID}=${digest}`), ID, digest)).toBe(false);
  });
});
