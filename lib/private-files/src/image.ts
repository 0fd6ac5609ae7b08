// next-private-files/image: `privateImageLoader`, a `next/image` loader that sends each
// width of `srcset` to the kit's file route (`?w=`), where it snaps to a declared image
// variant. Client-safe: no Node built-in, no Next, no kit core.
export { privateImageLoader } from "./image/loader.js";
export type { PrivateImageLoaderProps } from "./image/loader.js";
