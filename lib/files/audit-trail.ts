import { downloadDenied, downloadFinished, type DenialEvent, type DownloadFinishedEvent } from "@/lib/private-files";
import { Prisma } from "../db/generated/client";
import { groupCommit } from "../db/group-commit";
import { prisma } from "../db/prisma";

// The demo's audit trail: every refused download and every finished one (completed,
// aborted or failed) becomes a DownloadEvent row. Connected for every model (no sender).

/** The columns the trail writes, in the INSERT's order (the id is the table's own). */
const COLUMNS = [
  "at",
  "userId",
  "userEmail",
  "model",
  "field",
  "recordId",
  "method",
  "outcome",
  "reason",
  "status",
  "bytesSent",
  "rangeStart",
  "durationMs",
  "linkId",
] as const;

/** A row as the trail writes it: every column given (null where empty), typed by the Prisma client. */
type AuditRow = { [K in (typeof COLUMNS)[number]]-?: Exclude<Prisma.DownloadEventCreateManyInput[K], undefined> };

const COLUMN_LIST = Prisma.raw(COLUMNS.map((column) => `"${column}"`).join(", "));

/**
 * One INSERT of many rows, in raw SQL (parameterised; the same on SQLite and
 * PostgreSQL) because it runs for every download: Prisma's query compiler costs
 * 0.5-0.7 ms of CPU for a `create`, more than three times this statement, and
 * `createMany` about 0.3 ms more per row (README, Performance).
 */
async function insertRows(rows: readonly AuditRow[]): Promise<void> {
  for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
    const values = rows.slice(start, start + ROWS_PER_INSERT).map((row) => Prisma.sql`(${Prisma.join(COLUMNS.map((column) => row[column]))})`);
    await prisma.$executeRaw`INSERT INTO "DownloadEvent" (${COLUMN_LIST}) VALUES ${Prisma.join(values)}`;
  }
}

/** 14,000 parameters per statement at most: under SQLite's 32,766 and PostgreSQL's 65,535. */
const ROWS_PER_INSERT = 1000;

/**
 * Rows written together: the events of one turn of the event loop share one INSERT
 * (see groupCommit). When that fails, each row is tried on its own, so one bad row
 * fails only its own event.
 */
const writeEvent = groupCommit(
  () => "DownloadEvent",
  async (_table, rows: readonly AuditRow[]) => {
    try {
      await insertRows(rows);
    } catch (error) {
      if (rows.length === 1) throw error;
      const results = await Promise.allSettled(rows.map((row) => insertRows([row])));
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
    bytesSent: 0n,
    rangeStart: null,
    durationMs: null,
    linkId: null,
    at: new Date(),
  });
}

async function recordFinished(event: DownloadFinishedEvent<unknown>): Promise<void> {
  await writeEvent({
    ...what(event),
    outcome: event.outcome,
    reason: null,
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
