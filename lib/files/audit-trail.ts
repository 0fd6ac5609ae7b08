import { downloadDenied, downloadFinished, type DenialEvent, type DownloadFinishedEvent } from "@/lib/private-files";
import { prisma } from "../db/prisma";

// The demo's audit trail: every refused download and every finished one (completed,
// aborted or failed) becomes a DownloadEvent row. Connected for every model (no sender).

/** The signed-in user as the trail keeps them: the id the session carries, and the email. */
function who(event: { user: { id?: string; email?: string | null } | null }) {
  const id = Number(event.user?.id);
  return { userId: Number.isSafeInteger(id) ? id : null, userEmail: event.user?.email ?? null };
}

async function recordDenial(event: DenialEvent<unknown>): Promise<void> {
  await prisma.downloadEvent.create({
    data: {
      ...who(event),
      model: event.model,
      field: event.field,
      recordId: event.recordId,
      method: event.request.method,
      outcome: "denied",
      reason: event.reason,
      status: event.status,
    },
  });
}

async function recordFinished(event: DownloadFinishedEvent<unknown>): Promise<void> {
  await prisma.downloadEvent.create({
    data: {
      ...who(event),
      model: event.model,
      field: event.field,
      recordId: event.recordId,
      method: event.request.method,
      outcome: event.outcome,
      status: event.status,
      bytesSent: BigInt(event.bytesSent),
      rangeStart: event.range === null ? null : BigInt(event.range.start),
      durationMs: Math.round(event.durationMs),
      linkId: event.link?.id ?? null,
      at: event.startedAt,
    },
  });
}

/** Connects the trail's listeners; connecting twice is harmless (signals keep one of each). */
export function connectAuditTrail(): void {
  downloadDenied.connect(recordDenial);
  downloadFinished.connect(recordFinished);
}
