import { describe, expect, it } from "vitest";
import { ifRangeAllows, isNotModified, preconditionFailed, type Validators } from "../../../lib/private-files/src/http/conditional";

const lastModified = new Date("2024-03-05T10:20:30.000Z");
const file: Validators = { etag: '"3e8-18e0e0e0e00"', lastModified };
const httpDate = (date: Date) => date.toUTCString();
const h = (init: Record<string, string>) => new Headers(init);

describe("isNotModified: If-None-Match", () => {
  it("matches the exact ETag", () => {
    expect(isNotModified(h({ "If-None-Match": file.etag }), file)).toBe(true);
  });

  it("matches when the ETag is one of a list", () => {
    expect(isNotModified(h({ "If-None-Match": `"a", ${file.etag} , "b"` }), file)).toBe(true);
  });

  it("matches *", () => {
    expect(isNotModified(h({ "If-None-Match": "*" }), file)).toBe(true);
  });

  it("uses the weak comparison: W/ on the client's tag still matches", () => {
    expect(isNotModified(h({ "If-None-Match": `W/${file.etag}` }), file)).toBe(true);
    expect(isNotModified(h({ "If-None-Match": `"x", W/${file.etag}` }), file)).toBe(true);
  });

  it("does not match other tags", () => {
    expect(isNotModified(h({ "If-None-Match": '"other"' }), file)).toBe(false);
    expect(isNotModified(h({ "If-None-Match": '"a", W/"b"' }), file)).toBe(false);
    expect(isNotModified(h({ "If-None-Match": "garbage" }), file)).toBe(false);
  });

  it("is false without any conditional header", () => {
    expect(isNotModified(h({}), file)).toBe(false);
  });
});

describe("isNotModified: If-Modified-Since", () => {
  it("is not modified when the date equals Last-Modified", () => {
    expect(isNotModified(h({ "If-Modified-Since": httpDate(lastModified) }), file)).toBe(true);
  });

  it("ignores the file's sub-second part", () => {
    const precise = { ...file, lastModified: new Date(lastModified.getTime() + 900) };
    expect(isNotModified(h({ "If-Modified-Since": httpDate(lastModified) }), precise)).toBe(true);
  });

  it("is not modified when the date is later", () => {
    const later = new Date(lastModified.getTime() + 60_000);
    expect(isNotModified(h({ "If-Modified-Since": httpDate(later) }), file)).toBe(true);
  });

  it("is modified when the date is earlier", () => {
    const earlier = new Date(lastModified.getTime() - 1000);
    expect(isNotModified(h({ "If-Modified-Since": httpDate(earlier) }), file)).toBe(false);
  });

  it("ignores a date that does not parse", () => {
    expect(isNotModified(h({ "If-Modified-Since": "not a date" }), file)).toBe(false);
  });
});

describe("isNotModified: precedence", () => {
  it("If-None-Match wins over a matching If-Modified-Since", () => {
    const headers = h({ "If-None-Match": '"stale"', "If-Modified-Since": httpDate(lastModified) });
    expect(isNotModified(headers, file)).toBe(false);
  });

  it("If-None-Match wins over a stale If-Modified-Since", () => {
    const headers = h({ "If-None-Match": file.etag, "If-Modified-Since": httpDate(new Date(0)) });
    expect(isNotModified(headers, file)).toBe(true);
  });
});

describe("ifRangeAllows", () => {
  it("allows the range when If-Range is empty or blank (no validator to disagree with)", () => {
    expect(ifRangeAllows(h({ "If-Range": "" }), file)).toBe(true);
    expect(ifRangeAllows(h({ "If-Range": "   " }), file)).toBe(true);
  });

  it("allows the range without If-Range", () => {
    expect(ifRangeAllows(h({}), file)).toBe(true);
  });

  it("allows the range for the exact strong ETag", () => {
    expect(ifRangeAllows(h({ "If-Range": file.etag }), file)).toBe(true);
  });

  it("refuses a weak tag, even with the same opaque value (strong comparison)", () => {
    expect(ifRangeAllows(h({ "If-Range": `W/${file.etag}` }), file)).toBe(false);
  });

  it("refuses another tag", () => {
    expect(ifRangeAllows(h({ "If-Range": '"other"' }), file)).toBe(false);
  });

  it("allows the range for the exact Last-Modified date", () => {
    expect(ifRangeAllows(h({ "If-Range": httpDate(lastModified) }), file)).toBe(true);
  });

  it("refuses another date, earlier or later", () => {
    expect(ifRangeAllows(h({ "If-Range": httpDate(new Date(lastModified.getTime() - 1000)) }), file)).toBe(false);
    expect(ifRangeAllows(h({ "If-Range": httpDate(new Date(lastModified.getTime() + 1000)) }), file)).toBe(false);
  });

  it("refuses garbage", () => {
    expect(ifRangeAllows(h({ "If-Range": "garbage" }), file)).toBe(false);
  });

  it.each([
    ["ISO 8601", "2024-03-05T10:20:30Z"],
    ["no weekday", "05 Mar 2024 10:20:30 GMT"],
    ["JavaScript's toString", "Tue Mar 05 2024 10:20:30 GMT+0000 (Coordinated Universal Time)"],
  ])("refuses the right instant written in another format (%s): only the exact Last-Modified value names the version", (_format, value) => {
    expect(Date.parse(value)).toBe(lastModified.getTime()); // the same instant, so only the format differs
    expect(ifRangeAllows(h({ "If-Range": value }), file)).toBe(false);
  });
});

describe("preconditionFailed: If-Match (strong comparison)", () => {
  it("passes for the exact ETag, one of a list, and *", () => {
    expect(preconditionFailed(h({ "If-Match": file.etag }), file)).toBe(false);
    expect(preconditionFailed(h({ "If-Match": `"a", ${file.etag}` }), file)).toBe(false);
    expect(preconditionFailed(h({ "If-Match": "*" }), file)).toBe(false);
  });

  it("fails for another tag, a weak copy of the right one, and garbage", () => {
    expect(preconditionFailed(h({ "If-Match": '"other"' }), file)).toBe(true);
    expect(preconditionFailed(h({ "If-Match": `W/${file.etag}` }), file)).toBe(true);
    expect(preconditionFailed(h({ "If-Match": "garbage" }), file)).toBe(true);
    expect(preconditionFailed(h({ "If-Match": "" }), file)).toBe(true);
  });

  it("is not failed without any precondition header", () => {
    expect(preconditionFailed(h({}), file)).toBe(false);
  });
});

describe("preconditionFailed: If-Unmodified-Since", () => {
  it("passes when the file is no newer than the date (its sub-second part ignored)", () => {
    expect(preconditionFailed(h({ "If-Unmodified-Since": httpDate(lastModified) }), file)).toBe(false);
    expect(preconditionFailed(h({ "If-Unmodified-Since": httpDate(new Date(lastModified.getTime() + 1000)) }), file)).toBe(false);
    const withMillis: Validators = { ...file, lastModified: new Date(lastModified.getTime() + 999) };
    expect(preconditionFailed(h({ "If-Unmodified-Since": httpDate(lastModified) }), withMillis)).toBe(false);
  });

  it("fails when the file changed after the date", () => {
    expect(preconditionFailed(h({ "If-Unmodified-Since": httpDate(new Date(lastModified.getTime() - 1000)) }), file)).toBe(true);
  });

  it("ignores a date that does not parse", () => {
    expect(preconditionFailed(h({ "If-Unmodified-Since": "not a date" }), file)).toBe(false);
  });

  it("counts only without If-Match: a matching If-Match wins over a failing date, a failing one over a passing date", () => {
    const old = httpDate(new Date(lastModified.getTime() - 1000));
    expect(preconditionFailed(h({ "If-Match": file.etag, "If-Unmodified-Since": old }), file)).toBe(false);
    expect(preconditionFailed(h({ "If-Match": '"other"', "If-Unmodified-Since": httpDate(lastModified) }), file)).toBe(true);
  });
});
