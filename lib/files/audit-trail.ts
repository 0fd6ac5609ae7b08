import { downloadDenied, downloadFinished, type DenialEvent, type DownloadFinishedEvent } from "@/lib/private-files";
import type { Prisma } from "../db/generated/client";
import { groupCommit } from "../db/group-commit";
import { prisma } from "../db/prisma";

// The demo's audit trail: every refused download and every finished one (completed,
// aborted or failed) becomes a DownloadEvent row. Connected for every model (no sender).

/**
 * Rows written together: the events of one turn of the event loop share one INSERT
 * (see groupCommit). When that fails, each row is tried on its own, so one bad row
 * fails only its own event.
 */
const writeEvent = groupCommit(
  () => "DownloadEvent",
  async (_table, rows: readonly Prisma.DownloadEventCreateManyInput[]) => {
    if (rows.length === 1) {
      await prisma.downloadEvent.create({ data: rows[0]! });
      return;
    }
    try {
      await prisma.downloadEvent.createMany({ data: [...rows] });
    } catch {
      const results = await Promise.allSettled(rows.map((data) => prisma.downloadEvent.create({ data })));
      return results.map((r) => (r.status === "rejected" ? (r.reason ?? new Error("audit row not written")) : undefined));
    }
  },
);

/** The signed-in user as the trail keeps them: the id the session carries, and the email. */
function who(event: { user: { id?: string; email?: string | null } | null }) {
  const id = Number(event.user?.id);
  return { userId: Number.isSafeInteger(id) ? id : null, userEmail: event.user?.email ?? null };
}

/** Who asked for which file, and how: the columns every row has. */
function what(event: DenialEvent<unknown> | DownloadFinishedEvent<unknown>) {
  return { ...who(event), model: event.model, field: event.field, recordId: event.recordId, method: event.request.method };
}

async function recordDenial(event: DenialEvent<unknown>): Promise<void> {
  await writeEvent({
    ...what(event),
    outcome: "denied",
    reason: event.reason,
    status: event.status,
  });
}

async function recordFinished(event: DownloadFinishedEvent<unknown>): Promise<void> {
  await writeEvent({
    ...what(event),
    outcome: event.outcome,
    status: event.status,
    bytesSent: BigInt(event.bytesSent),
    rangeStart: event.range === null ? null : BigInt(event.range.start),
    durationMs: Math.round(event.durationMs),
    linkId: event.link?.id ?? null,
    at: event.startedAt,
  });
}

/** Connects the trail's listeners; connecting twice is harmless (signals keep one of each). */
export function connectAuditTrail(): void {
  downloadDenied.connect(recordDenial);
  downloadFinished.connect(recordFinished);
}
