import type { Pool } from 'pg';
import { describeHolder, type LeaseHolder, leaseIsLive, type Worker } from '../lease.js';
import type { ClaimResult } from '../ledger.js';

interface ClaimRow {
  worker: string;
  host: string;
  pid: number;
  marker: string;
  expires_at: string;
}

const COLUMNS = 'worker, host, pid, marker, expires_at';

function toHolder(row: ClaimRow): LeaseHolder {
  return { worker: row.worker, host: row.host, pid: Number(row.pid), marker: row.marker, expiresAt: Number(row.expires_at) };
}

export async function holderOf(pool: Pool, key: string): Promise<LeaseHolder | null> {
  const { rows } = await pool.query<ClaimRow>(`SELECT ${COLUMNS} FROM spark_claims WHERE key = $1`, [key]);
  return rows[0] ? toHolder(rows[0]) : null;
}

/**
 * Takes the item's lease in one statement: a new row, or the row of a lease that has lapsed
 * (or is this worker's). Two workers racing for one item cannot both win: the upsert takes the
 * row's lock, and the loser's WHERE sees the winner's fresh expiry. A lease that has not lapsed
 * but whose process on this very host is gone is taken by compare-and-swap on its worker id.
 */
export async function takeLease(pool: Pool, key: string, me: Worker, now: number, leaseMs: number): Promise<ClaimResult> {
  const values = [key, me.id, me.host, me.pid, me.marker, now + leaseMs, now];
  const taken = await pool.query(
    `INSERT INTO spark_claims (key, worker, host, pid, marker, expires_at, claimed_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (key) DO UPDATE SET worker = EXCLUDED.worker, host = EXCLUDED.host, pid = EXCLUDED.pid, marker = EXCLUDED.marker,
         expires_at = EXCLUDED.expires_at, claimed_at = EXCLUDED.claimed_at
       WHERE spark_claims.expires_at <= $7 OR spark_claims.worker = $2
     RETURNING worker`,
    values,
  );
  if (taken.rowCount === 1) return { ok: true };
  const holder = await holderOf(pool, key);
  if (holder === null) return takeLease(pool, key, me, now, leaseMs);
  if (leaseIsLive(holder, me, now)) return { ok: false, heldBy: describeHolder(holder) };
  const swapped = await pool.query(
    `UPDATE spark_claims SET worker = $2, host = $3, pid = $4, marker = $5, expires_at = $6, claimed_at = $7 WHERE key = $1 AND worker = $8`,
    [...values, holder.worker],
  );
  return swapped.rowCount === 1 ? { ok: true } : takeLease(pool, key, me, now, leaseMs);
}
