// next-private-files/zip: many private files as one streamed zip, each authorized on its
// own by its field's condition. Pulls in yazl (and buffer-crc32).
export { createZipRoute } from "./zip/route.js";
export type { ZipRoute, ZipRouteHandler } from "./zip/route.js";
export type { ZipRouteOptions } from "./zip/options.js";
export type { ZipItem } from "./zip/items.js";
export type { RefusedItem, ZipRefusalReason } from "./zip/answers.js";
export type { ArchiveInfo } from "./zip/archive-info.js";
export { zipSelectionUrl } from "./zip/selection-url.js";
export type { ZipSelectionUrlOptions } from "./zip/selection-url.js";
