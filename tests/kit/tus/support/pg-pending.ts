import type pg from "pg";
import type { PendingUpload, PendingUploadStore } from "next-private-files/upload";

// A PendingUploadStore on PostgreSQL with `pg`, for the two-instance tests only (the demo
// uses the kit's Prisma store): one row per upload, the reservation under a transaction
// advisory lock on the user so that instances reserve one at a time.

export async function createPendingTable(pool: pg.Pool): Promise<void> {
  await pool.query(`CREATE TABLE IF NOT EXISTS pending_uploads (
    id text PRIMARY KEY, user_id text, size bigint NOT NULL, expires_at timestamptz NOT NULL, created_at timestamptz NOT NULL, data jsonb NOT NULL)`);
}

const toRow = (row: { data: PendingUpload & { createdAt: string; expiresAt: string } }): PendingUpload => ({
  ...row.data,
  createdAt: new Date(row.data.createdAt),
  expiresAt: new Date(row.data.expiresAt),
});

export function pgPendingUploads(pool: pg.Pool): PendingUploadStore {
  return {
    async reserve(upload, fits) {
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        await client.query("SELECT pg_advisory_xact_lock(hashtext($1))", [upload.user ?? ""]);
        const { rows } = await client.query("SELECT coalesce(sum(size), 0)::bigint AS reserved FROM pending_uploads WHERE user_id = $1 AND expires_at > now()", [upload.user]);
        if (!(await fits(Number(rows[0].reserved)))) {
          await client.query("ROLLBACK");
          return false;
        }
        await client.query("INSERT INTO pending_uploads (id, user_id, size, expires_at, created_at, data) VALUES ($1, $2, $3, $4, $5, $6)", [
          upload.id, upload.user, upload.size, upload.expiresAt, upload.createdAt, JSON.stringify(upload),
        ]);
        await client.query("COMMIT");
        return true;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
    async get(id) {
      const { rows } = await pool.query("SELECT data FROM pending_uploads WHERE id = $1", [id]);
      return rows[0] ? toRow(rows[0]) : null;
    },
    async setMultipartId(id, multipartId) {
      await pool.query("UPDATE pending_uploads SET data = jsonb_set(data, '{multipartId}', to_jsonb($2::text)) WHERE id = $1", [id, multipartId]);
    },
    async remove(id) {
      await pool.query("DELETE FROM pending_uploads WHERE id = $1", [id]);
    },
    async reservedBytes(user, now) {
      const { rows } = await pool.query("SELECT coalesce(sum(size), 0)::bigint AS reserved FROM pending_uploads WHERE user_id = $1 AND expires_at > $2", [user, now]);
      return Number(rows[0].reserved);
    },
    async expired(now, limit) {
      const { rows } = await pool.query("SELECT data FROM pending_uploads WHERE expires_at <= $1 ORDER BY created_at LIMIT $2", [now, limit]);
      return rows.map(toRow);
    },
  };
}
