"use client";

import Image, { type ImageProps } from "next/image";
import { privateImageLoader } from "next-private-files/image";

/** `<Image>`'s props for a private file: `src` is a kit file URL, `sizes` is required. */
export type PrivateImageProps = Omit<ImageProps, "src" | "loader" | "quality" | "unoptimized"> & {
  src: string;
  /** How wide the image shows, for the browser to pick from `srcset` (the kit snaps each width to a variant). */
  sizes: string;
};

/**
 * `next/image` for a private file: each width of `srcset` is the file's own URL with
 * `?w=`, which the browser fetches from the kit with its cookies. Next's optimizer
 * would fetch it without them and get 401 (vercel/next.js#27935). A client component,
 * since a loader is a function and cannot be passed from a server component.
 */
export function PrivateImage(props: PrivateImageProps) {
  return <Image {...props} loader={privateImageLoader} />;
}
