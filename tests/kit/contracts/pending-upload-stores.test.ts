// The kit's in-memory pending-upload store through the published PendingUploadStore
// contract (the Prisma one runs in tests/unit/contracts/, over the demo's client).
import { memoryPendingUploads } from "next-private-files/upload";
import { runPendingUploadStoreContract } from "next-private-files/testing";

runPendingUploadStoreContract("memoryPendingUploads", () => ({ store: memoryPendingUploads() }));
