import { prisma } from "../db/prisma";

// What the staff page shows, read from the audit trail (DownloadEvent).

/** Granted downloads whose bytes went out: streamed to the end, or handed to nginx or the store. */
const DELIVERED = ["completed", "offloaded"];
/** Like the download counter: a range that does not start at byte 0 (a video seeking, a resumed download) is not a new download. */
const FROM_THE_START = [{ rangeStart: null }, { rangeStart: 0 }];

export interface DayCount {
  /** The UTC day, YYYY-MM-DD. */
  day: string;
  downloads: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Delivered downloads (counted once each, see FROM_THE_START) per UTC day, for the `days` days ending today (every day
 * listed, zeros included). Counted in the app from the rows' dates alone, so the
 * same code runs on SQLite and PostgreSQL.
 */
export async function downloadsPerDay(days = 14, now = new Date()): Promise<DayCount[]> {
  const first = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (days - 1) * DAY_MS);
  const rows = await prisma.downloadEvent.findMany({
    where: { at: { gte: first }, outcome: { in: DELIVERED }, OR: FROM_THE_START },
    select: { at: true },
  });
  const counts = new Map<string, number>();
  for (let i = 0; i < days; i++) counts.set(dayOf(new Date(first.getTime() + i * DAY_MS)), 0);
  for (const { at } of rows) {
    const day = dayOf(at);
    if (counts.has(day)) counts.set(day, counts.get(day)! + 1);
  }
  return [...counts].map(([day, downloads]) => ({ day, downloads }));
}

export interface Denial {
  id: number;
  at: string;
  who: string | null;
  file: string;
  reason: string;
  status: number;
  /** How many refusals alike this row stands for (see DENIAL_WINDOW_MS), and when the last came. */
  count: number;
  lastAt: string;
}

/** The most recent refusals, newest first; refusals alike within a minute share a row (audit-trail.ts). */
export async function latestDenials(take = 20): Promise<Denial[]> {
  const rows = await prisma.downloadEvent.findMany({
    where: { outcome: "denied" },
    // By the latest refusal a row stands for (rows from before aggregation have no lastAt).
    orderBy: [{ lastAt: { sort: "desc", nulls: "last" } }, { id: "desc" }],
    take,
  });
  return rows.map((row) => ({
    id: row.id,
    at: row.at.toISOString(),
    who: row.userEmail,
    file: `${row.model}.${row.field} #${row.recordId}`,
    reason: row.reason ?? "",
    status: row.status,
    count: row.count,
    lastAt: (row.lastAt ?? row.at).toISOString(),
  }));
}
