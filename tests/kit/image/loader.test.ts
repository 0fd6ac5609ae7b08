import type { ImageLoader } from "next/image";
import { describe, expect, expectTypeOf, it } from "vitest";
import { privateImageLoader } from "next-private-files/image";

// The loader is pure string work on the URL the app's server made: every part of `src`
// but `w=`/`variant=` must come back exactly as written (a signed token is compared
// byte for byte, a percent-escape decoded once by the route).

const load = (src: string, width = 640, quality?: number) => privateImageLoader({ src, width, quality });

describe("privateImageLoader", () => {
  it("is a next/image loader", () => {
    expectTypeOf(privateImageLoader).toExtend<ImageLoader>();
    const loader: ImageLoader = privateImageLoader;
    expect(loader({ src: "/files/SharedImage/image/3/cat.png", width: 320 })).toBe("/files/SharedImage/image/3/cat.png?w=320");
  });

  it("adds w= to a relative file URL", () => {
    expect(load("/files/SharedImage/image/3/cat.png")).toBe("/files/SharedImage/image/3/cat.png?w=640");
    expect(load("/files/SharedImage/image/3/cat.png", 3840)).toBe("/files/SharedImage/image/3/cat.png?w=3840");
  });

  it("adds w= to an absolute file URL, keeping origin and path", () => {
    expect(load("https://app.example.com/files/SharedImage/image/3/cat.png", 1080)).toBe("https://app.example.com/files/SharedImage/image/3/cat.png?w=1080");
    expect(load("http://127.0.0.1:3000/files/SharedImage/image/3/cat.png", 16)).toBe("http://127.0.0.1:3000/files/SharedImage/image/3/cat.png?w=16");
  });

  it("keeps the query there is (a signed link's token), appending w= after it", () => {
    const token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIzIn0.c2lnbmF0dXJl-_";
    expect(load(`/files/SharedImage/image/3/cat.png?token=${token}`)).toBe(`/files/SharedImage/image/3/cat.png?token=${token}&w=640`);
    expect(load(`https://app.example.com/files/A/b/1/x.png?a=1&token=${token}&z=`)).toBe(`https://app.example.com/files/A/b/1/x.png?a=1&token=${token}&z=&w=640`);
  });

  it("replaces a w= or variant= already there, wherever it stands, and every copy of it", () => {
    expect(load("/files/A/b/1/x.png?w=320", 1200)).toBe("/files/A/b/1/x.png?w=1200");
    expect(load("/files/A/b/1/x.png?variant=thumb&token=t", 1200)).toBe("/files/A/b/1/x.png?token=t&w=1200");
    expect(load("/files/A/b/1/x.png?token=t&variant=thumb&w=10&w=20", 48)).toBe("/files/A/b/1/x.png?token=t&w=48");
    // Keys as the route's URL parser reads them: %77 is "w"; "wide" and "ww" are other parameters.
    expect(load("/files/A/b/1/x.png?%77=9&v%61riant=thumb&wide=1&ww=2", 48)).toBe("/files/A/b/1/x.png?wide=1&ww=2&w=48");
    // A bare key counts too (the route would read it as an empty value: 400).
    expect(load("/files/A/b/1/x.png?w&variant", 48)).toBe("/files/A/b/1/x.png?w=48");
  });

  it("preserves percent-encoded characters of the path and the query as written", () => {
    const path = "/files/SharedImage/image/7/Caf%C3%A9%20d%C3%A9j%C3%A0%20vu%20%F0%9F%8E%89.png";
    expect(load(path)).toBe(`${path}?w=640`);
    expect(load(`${path}?token=a%2Bb%2F%3D&note=x+y`)).toBe(`${path}?token=a%2Bb%2F%3D&note=x+y&w=640`);
    // An escape that does not decode is left alone (the route decides about it), not thrown on.
    expect(load("/files/A/b/1/x%zz.png?bad=%E2%82&w=1")).toBe("/files/A/b/1/x%zz.png?bad=%E2%82&w=640");
    expect(load("/files/A/b/1/x.png?%zz=1&w%=2&w=3")).toBe("/files/A/b/1/x.png?%zz=1&w%=2&w=640");
  });

  it("drops an empty query or stray ampersands, and keeps a fragment last", () => {
    expect(load("/files/A/b/1/x.png?")).toBe("/files/A/b/1/x.png?w=640");
    expect(load("/files/A/b/1/x.png?&&token=t&")).toBe("/files/A/b/1/x.png?token=t&w=640");
    expect(load("/files/A/b/1/x.png?token=t#top")).toBe("/files/A/b/1/x.png?token=t&w=640#top");
    expect(load("/files/A/b/1/x.png#a?w=1")).toBe("/files/A/b/1/x.png?w=640#a?w=1");
  });

  it("ignores quality: the variant's declaration owns format and quality", () => {
    expect(load("/files/A/b/1/x.png", 640, 75)).toBe(load("/files/A/b/1/x.png", 640));
    expect(load("/files/A/b/1/x.png", 640, 10)).toBe("/files/A/b/1/x.png?w=640");
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 16385])("refuses width %s with a RangeError, as the route would answer 400", (width) => {
    expect(() => load("/files/A/b/1/x.png", width)).toThrow(RangeError);
    expect(() => load("/files/A/b/1/x.png", width)).toThrow(/width must be an integer from 1 to 16384/);
  });

  it("takes the widths at the edges", () => {
    expect(load("/files/A/b/1/x.png", 1)).toBe("/files/A/b/1/x.png?w=1");
    expect(load("/files/A/b/1/x.png", 16384)).toBe("/files/A/b/1/x.png?w=16384");
  });

  it("gives URLs the route reads back: w is the width, the other parameters unchanged", () => {
    const url = new URL(load("/files/A/b/1/x.png?variant=thumb&token=a%2Bb", 828), "http://localhost");
    expect(url.searchParams.getAll("w")).toEqual(["828"]);
    expect(url.searchParams.has("variant")).toBe(false);
    expect(url.searchParams.get("token")).toBe("a+b");
  });
});
