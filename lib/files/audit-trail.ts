import {
  clientAddress,
  downloadDenied,
  downloadFinished,
  trustProxyFromEnv,
  type DenialEvent,
  type DownloadFinishedEvent,
} from "next-private-files";
import { Prisma } from "../db/generated/client";
import { groupCommit } from "../db/group-commit";
import { prisma } from "../db/prisma";

// The demo's audit trail: every refused download and every finished one (completed,
// aborted or failed) becomes a DownloadEvent row. Connected for every model (no sender).
// A file sent in a zip (app/files/zip) is a row of its own, naming its zip.

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
  "client",
  "archiveId",
  "archiveName",
  "archiveIndex",
] as const;

/** A row as the trail writes it: every column given (null where empty), typed by the Prisma client. */
type AuditRow = { [K in (typeof COLUMNS)[number]]-?: Exclude<Prisma.DownloadEventCreateManyInput[K], undefined> };

const COLUMN_LIST = Prisma.raw(COLUMNS.map((column) => `"${column}"`).join(", "));

/**
 * One INSERT of many rows, in raw SQL (parameterised; the same on SQLite and
 * PostgreSQL) because it runs for every download: Prisma's query compiler costs
 * 0.5-0.7 ms of CPU for a `create`, more than three times this statement, and
 * `createMany` about 0.3 ms more per row (docs/performance.md).
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
  return { ...who(event), model: event.model, field: event.field, recordId: event.recordId, method: event.request.method, ...inArchive(event) };
}

/** The zip the file was asked for in; nulls for a download of the file alone. */
function inArchive({ archive }: DenialEvent<unknown> | DownloadFinishedEvent<unknown>) {
  return { archiveId: archive?.id ?? null, archiveName: archive?.name ?? null, archiveIndex: archive?.index ?? null };
}

/** Where the request came from: the socket's address, or a trusted proxy's X-Forwarded-For (PRIVATE_FILES_TRUST_PROXY). */
const trustProxy = trustProxyFromEnv(process.env.PRIVATE_FILES_TRUST_PROXY);
const clientOf = (request: Request) => clientAddress(request, { trustProxy });

/**
 * How long refusals alike share one row: a flood of the same refusal (same reason, status,
 * file, user and client) becomes a row a minute with its count, so the trail grows with
 * distinct events, not with requests, and the staff page's latest denials stay readable.
 */
export const DENIAL_WINDOW_MS = 60_000;

/** What makes refusals alike: every column a denial row has, but its times and count. */
type DenialKey = Pick<AuditRow, "userId" | "userEmail" | "model" | "field" | "recordId" | "method" | "reason" | "status" | "client" | "archiveId" | "archiveName" | "archiveIndex">;

// A zip's refusals are alike only within that zip (its id is part of the key).
const keyOf = (row: DenialKey) =>
  JSON.stringify([row.userId, row.userEmail, row.model, row.field, row.recordId, row.method, row.reason, row.status, row.client, row.archiveId, row.archiveName, row.archiveIndex]);

/**
 * Adds `count` refusals to the newest row alike started within the window, or starts a
 * new row. Through the ORM, not raw SQL: a null-safe comparison is spelled differently on
 * SQLite and PostgreSQL, and a flood is one statement per batch, not one per request.
 */
async function addDenials(key: string, row: DenialKey, count: number, at: Date): Promise<void> {
  const windowStart = new Date(at.getTime() - DENIAL_WINDOW_MS);
  const known = openRows.get(key);
  const open =
    known && known.at >= windowStart
      ? known
      : await prisma.downloadEvent.findFirst({ where: { ...row, outcome: "denied", at: { gte: windowStart } }, orderBy: { id: "desc" }, select: { id: true, at: true } });
  if (open) {
    const { count: updated } = await prisma.downloadEvent.updateMany({ where: { id: open.id }, data: { count: { increment: count }, lastAt: at } });
    if (updated === 1) return remember(key, open);
  }
  const created = await prisma.downloadEvent.create({ data: { ...row, outcome: "denied", count, at, lastAt: at }, select: { id: true, at: true } });
  remember(key, created);
}

function remember(key: string, row: { id: number; at: Date }): void {
  // Bounded: many kinds of refusal at once (other files, other clients) only cost look-ups.
  if (openRows.size >= 10_000 && !openRows.has(key)) openRows.clear();
  openRows.set(key, row);
}

/**
 * The row each kind of refusal last went to, so that a flood costs one UPDATE per batch
 * instead of a look-up and an UPDATE. Only a shortcut: a row missing from here is looked
 * up, one gone from the database (pruned) is created again.
 */
const openRows = new Map<string, { id: number; at: Date }>();

/**
 * Refusals alike that arrive in one turn of the event loop share one write (see
 * groupCommit); writes of the same key run one after the other, so that a second batch
 * finds the row the first one created instead of starting another.
 */
const tails = new Map<string, Promise<unknown>>();
const writeDenial = groupCommit(
  (row: DenialKey) => keyOf(row),
  async (key, rows: readonly DenialKey[]) => {
    const previous = tails.get(key) ?? Promise.resolve();
    const written = previous.catch(() => undefined).then(() => addDenials(key, rows[0]!, rows.length, new Date()));
    tails.set(key, written);
    try {
      await written;
    } finally {
      if (tails.get(key) === written) tails.delete(key);
    }
  },
);

async function recordDenial(event: DenialEvent<unknown>): Promise<void> {
  await writeDenial({ ...what(event), reason: event.reason, status: event.status, client: clientOf(event.request) });
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
    client: clientOf(event.request),
    at: event.startedAt,
  });
}

/** Connects the trail's listeners; connecting twice is harmless (signals keep one of each). */
export function connectAuditTrail(): void {
  downloadDenied.connect(recordDenial);
  downloadFinished.connect(recordFinished);
}
