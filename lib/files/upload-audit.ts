import type { UploadRefusedEvent } from "next-private-files";
import { prisma } from "../db/prisma";

// The audit trail of uploads refused after their bytes arrived (malware, the scanner
// down, a wrong type or size): one UploadEvent row each, from the kit's
// on.uploadRefused. Rare, so a plain Prisma create (unlike the per-download trail).

/** Writes the refusal's row; the kit awaits it before answering, and logs a failure. */
export async function recordUploadRefusal(event: UploadRefusedEvent): Promise<void> {
  const userId = event.userId === null ? null : Number(event.userId);
  await prisma.uploadEvent.create({
    data: {
      userId: Number.isSafeInteger(userId) ? userId : null,
      model: event.model,
      field: event.field,
      via: event.via,
      name: event.name,
      size: event.size,
      reason: event.reason,
      signature: event.signature ?? null,
      status: event.status,
    },
  });
}
