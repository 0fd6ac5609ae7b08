import { MAX_WIDTH, WIDTH_PARAM, withoutVariantParams } from "./query.js";

/**
 * What `next/image` passes a loader: the same shape as Next's `ImageLoaderProps`,
 * declared here so the entry loads nothing of Next (it runs in the browser).
 */
export interface PrivateImageLoaderProps {
  /** The `src` given to `<Image>`: a file URL of the kit, relative or absolute, maybe signed (`?token=`). */
  readonly src: string;
  /** The width in pixels Next wants a candidate of `srcset` for. */
  readonly width: number;
  /** Next's quality (1-100). Ignored: the variant's declaration owns format and quality. */
  readonly quality?: number | undefined;
}

/**
 * A `next/image` loader for the kit's private files: `src` with `w=<width>`, so the
 * browser asks the kit's file route directly, with its cookies, for each candidate of
 * `srcset`, and the kit answers the declared variant that fits (the smallest declared
 * width at least that wide, else the largest). Next's optimizer (`/_next/image`) is
 * bypassed: it fetches sources without the user's cookies and gets 401 for private
 * files (vercel/next.js#27935).
 *
 * The rest of `src` is kept as written: its path, its other query parameters (a signed
 * link's `token=` stays valid: a link to the original grants its variants) and a
 * fragment. A `w=` or `variant=` already there is replaced. `quality` is ignored: each
 * variant's format and quality are set where the field declares its variants.
 *
 * Client-safe: it imports nothing from Node, Next or the kit's core, so a client
 * component can pass it to `<Image loader={…}>` (a function cannot cross from a server
 * component to a client one).
 * @param props - What `next/image` gives a loader: `src`, `width` and `quality`.
 * @returns The URL of the variant for `width`, for one candidate of `srcset`.
 * @throws {RangeError} When `width` is not an integer from 1 to 16384 (the file route would answer 400).
 * @example
 * ```tsx
 * "use client";
 * import Image from "next/image";
 * import { privateImageLoader } from "next-private-files/image";
 *
 * // src is privateFiles.fileUrl("Photo", "image", photo), made on the server.
 * export function Photo({ src, alt }: { src: string; alt: string }) {
 *   return <Image loader={privateImageLoader} src={src} alt={alt} width={1280} height={960} sizes="(min-width: 960px) 33vw, 100vw" />;
 * }
 *
 * privateImageLoader({ src: "/files/Photo/image/3/cat.png?token=abc", width: 640 });
 * // "/files/Photo/image/3/cat.png?token=abc&w=640"
 * ```
 */
export function privateImageLoader({ src, width }: PrivateImageLoaderProps): string {
  if (!Number.isInteger(width) || width < 1 || width > MAX_WIDTH) {
    throw new RangeError(`privateImageLoader: width must be an integer from 1 to ${MAX_WIDTH}, got ${String(width)}`);
  }
  const hashAt = src.indexOf("#");
  const fragment = hashAt === -1 ? "" : src.slice(hashAt);
  const beforeFragment = hashAt === -1 ? src : src.slice(0, hashAt);
  const queryAt = beforeFragment.indexOf("?");
  const path = queryAt === -1 ? beforeFragment : beforeFragment.slice(0, queryAt);
  const kept = queryAt === -1 ? [] : withoutVariantParams(beforeFragment.slice(queryAt + 1));
  return `${path}?${[...kept, `${WIDTH_PARAM}=${width}`].join("&")}${fragment}`;
}
