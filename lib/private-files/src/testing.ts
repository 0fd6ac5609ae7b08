// next-private-files/testing: contract suites for your own storage or link store, as
// vitest cases. The only entry that imports vitest (an optional peer dependency).
export { runFileStorageContract } from "./testing/storage-contract.js";
export type { FileStorageFixture } from "./testing/storage-contract.js";
export { runLinkStoreContract } from "./testing/link-store-contract.js";
export type { LinkStoreFixture } from "./testing/link-store-contract.js";
export { runPendingUploadStoreContract } from "./testing/pending-upload-store-contract.js";
export type { PendingUploadStoreFixture } from "./testing/pending-upload-store-contract.js";
