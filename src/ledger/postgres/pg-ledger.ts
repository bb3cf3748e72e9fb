import pg from 'pg';
import type { Clock } from '../../core/clock.js';
import { ClaimTurns } from '../claim-turns.js';
import { apiOrigin, COLLECTABLE_FOR_MS } from '../item-key.js';
import { DEFAULT_LEASE_MS, describeHolder, Heartbeat, leaseIsLive, thisWorker, type Worker } from '../lease.js';
import {
  type ClaimResult,
  type HistoryFilter,
  type HistoryRow,
  type Intent,
  LeaseLostError,
  type Ledger,
  type LedgerEntry,
  type LedgerStatus,
} from '../ledger.js';
import { holderOf, takeLease } from './pg-leases.js';
import { migrate } from './pg-schema.js';
import { PgSpend } from './pg-spend.js';
import { type AttemptRow, ENTRY_COLUMNS, INTENT_COLUMNS, intentValues, toEntry } from '../attempt-row.js';

/** A cost worth a median: digits with at most one dot, under $1000 (the SQLite ledger's rule). */
const SANE_COST = "CASE WHEN cost ~ '^[0-9]+(\\.[0-9]*)?$' THEN cost::numeric < 1000 ELSE FALSE END";

export interface PgLedgerOptions {
  readonly baseUrl?: string;
  readonly leaseMs?: number;
  /** Connections at once: the run's concurrency, plus one for the heartbeat. */
  readonly connections?: number;
}

/**
 * The ledger a fleet shares: the same write-ahead rules as the SQLite ledger (an intent is
 * committed before its create is sent; an intent with no answer is "outcome unknown"), in a
 * PostgreSQL database every worker reaches. Claims are leases (pg-leases.ts); --budget is the
 * fleet's (pg-spend.ts). Loaded only for postgres:// ledgers (open-ledger.ts), so the pg
 * package costs nothing to anyone else.
 */
export class PgLedger implements Ledger {
  private readonly me: Worker = thisWorker();
  private readonly heldHere = new ClaimTurns();
  private readonly heartbeat: Heartbeat;
  private readonly spend: PgSpend;
  private closed = false;
  readonly shared = true;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly clock: Clock,
    readonly location: string,
    readonly origin: string | null,
    private readonly leaseMs: number,
  ) {
    this.heartbeat = new Heartbeat(Math.max(250, Math.floor(leaseMs / 3)), () => this.renewLeases());
    this.spend = new PgSpend(pool, this.me.id, () => clock.now());
  }

  /** Connects, and creates or upgrades the tables (safely, with any number of workers starting at once). */
  static async open(url: string, shownAs: string, clock: Clock, options: PgLedgerOptions = {}): Promise<PgLedger> {
    const pool = new pg.Pool({ connectionString: url, max: options.connections ?? 5, connectionTimeoutMillis: 15_000 });
    // An idle connection that the server drops must not crash the run: the next query reconnects.
    pool.on('error', () => undefined);
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
    const origin = options.baseUrl === undefined ? null : apiOrigin(options.baseUrl);
    return new PgLedger(pool, clock, shownAs, origin, options.leaseMs ?? DEFAULT_LEASE_MS);
  }

  get workerId(): string {
    return this.me.id;
  }

  async lookup(key: string): Promise<LedgerEntry | undefined> {
    const { rows } = await this.pool.query<AttemptRow>(
      `SELECT ${ENTRY_COLUMNS} FROM spark_attempts WHERE key = $1 AND ($2::text IS NULL OR origin IS NULL OR origin = $2) ORDER BY id DESC LIMIT 1`,
      [key, this.origin],
    );
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  async savedOutputs(key: string, limit = 5): Promise<string[]> {
    const { rows } = await this.pool.query<{ output: string }>(
      'SELECT output FROM spark_attempts WHERE key = $1 AND output IS NOT NULL AND ($2::text IS NULL OR origin IS NULL OR origin = $2) ORDER BY id DESC LIMIT $3',
      [key, this.origin, limit],
    );
    return rows.map((row) => row.output);
  }

  async findTask(taskId: string): Promise<LedgerEntry | undefined> {
    const { rows } = await this.pool.query<AttemptRow>(`SELECT ${ENTRY_COLUMNS} FROM spark_attempts WHERE task_id = $1`, [taskId]);
    return rows[0] ? toEntry(rows[0]) : undefined;
  }

  /**
   * Committed before it returns. The item's claim row is locked first: a worker taking the item
   * over waits for this commit (and then sees the intent), or has taken it already (and this
   * worker, its lease lost, sends nothing).
   */
  async recordIntent(intent: Intent): Promise<number> {
    return this.inTransaction(async (client) => {
      const holder = await client.query<{ worker: string; host: string; pid: number }>('SELECT worker, host, pid FROM spark_claims WHERE key = $1 FOR UPDATE', [
        intent.key,
      ]);
      const row = holder.rows[0];
      if (row && row.worker !== this.me.id) throw new LeaseLostError(describeHolder(row));
      const values = intentValues(intent, this.clock.now(), this.origin, this.me);
      const inserted = await client.query<{ id: string }>(
        `INSERT INTO spark_attempts (${INTENT_COLUMNS}) VALUES (${values.map((_, index) => `$${index + 1}`).join(', ')}) RETURNING id`,
        values,
      );
      return Number(inserted.rows[0]!.id);
    });
  }

  async recordAnswer(attempt: number, taskId: string): Promise<void> {
    await this.pool.query("UPDATE spark_attempts SET task_id = $1, status = 'open' WHERE id = $2", [taskId, attempt]);
  }

  async recordNeverSent(attempt: number, errorCode: string | null): Promise<void> {
    await this.pool.query("UPDATE spark_attempts SET status = 'never-sent', error_code = $1, finished_at = $2 WHERE id = $3", [
      errorCode,
      this.clock.now(),
      attempt,
    ]);
  }

  async recordSaved(taskId: string, output: string, cost: string | null): Promise<void> {
    await this.finish(taskId, 'saved', output, cost, null);
  }

  async recordFailed(taskId: string, errorCode: string | null, cost: string | null = null): Promise<void> {
    await this.finish(taskId, 'failed', null, cost, errorCode);
  }

  async recordExpired(taskId: string): Promise<void> {
    await this.pool.query("UPDATE spark_attempts SET status = 'expired', error_code = NULL, finished_at = $1 WHERE task_id = $2", [this.clock.now(), taskId]);
  }

  async claim(key: string): Promise<ClaimResult> {
    if (this.heldHere.has(key)) return { ok: false, heldBy: describeHolder({ worker: this.me.id, host: this.me.host, pid: this.me.pid }) };
    this.heldHere.take(key);
    return this.claimInDatabase(key);
  }

  async claimInTurn(key: string): Promise<ClaimResult> {
    await this.heldHere.acquire(key);
    return this.claimInDatabase(key);
  }

  async claimHolder(key: string): Promise<string | null> {
    const holder = await holderOf(this.pool, key);
    if (!holder || holder.worker === this.me.id || !leaseIsLive(holder, this.me, this.clock.now())) return null;
    return describeHolder(holder);
  }

  async release(key: string): Promise<void> {
    this.heldHere.giveBack(key);
    this.heartbeat.holding(this.heldHere.keys().length);
    await this.pool.query('DELETE FROM spark_claims WHERE key = $1 AND worker = $2', [key, this.me.id]);
  }

  /** The heartbeat: every lease this worker holds runs for another lease duration from now. */
  async renewLeases(): Promise<void> {
    if (this.closed) return;
    await this.pool.query('UPDATE spark_claims SET expires_at = $1 WHERE worker = $2', [this.clock.now() + this.leaseMs, this.me.id]);
  }

  async history(filter: HistoryFilter = {}): Promise<HistoryRow[]> {
    const params: unknown[] = [this.clock.now() - COLLECTABLE_FOR_MS];
    const shown = "CASE WHEN status = 'open' AND intent_at < $1 THEN 'expired' ELSE status END";
    const where: string[] = [];
    const add = (clause: string, value: unknown) => {
      params.push(value);
      where.push(clause.replace('?', `$${params.length}`));
    };
    if (filter.sinceMs !== undefined) add('intent_at >= ?', filter.sinceMs);
    if (filter.style !== undefined) add('style = ?', filter.style);
    if (filter.status !== undefined) add(`${shown} = ?`, filter.status);
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    const { rows } = await this.pool.query(
      `SELECT intent_at, input, style, task_id, ${shown} AS shown, output, cost, error_code, worker, host FROM spark_attempts
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY intent_at DESC, id DESC${limit}`,
      params,
    );
    return rows.map((row) => ({
      at: new Date(Number(row.intent_at)).toISOString(),
      input: row.input,
      style: row.style,
      task_id: row.task_id,
      status: row.shown as LedgerStatus,
      output: row.output,
      cost: row.cost,
      error_code: row.error_code,
      worker: row.worker === null ? null : `${row.worker} on ${row.host}`,
    }));
  }

  async recentCosts(limit: number): Promise<{ style: string; cost: number }[]> {
    const { rows } = await this.pool.query<{ style: string; cost: number }>(
      `SELECT style, cost::float8 AS cost FROM (SELECT style, cost, intent_at, id FROM spark_attempts WHERE status = 'saved' ORDER BY intent_at DESC, id DESC LIMIT $1) AS newest
         WHERE cost IS NOT NULL AND ${SANE_COST} ORDER BY intent_at DESC, id DESC`,
      [Math.max(0, Math.floor(limit))],
    );
    return rows.map((row) => ({ style: row.style, cost: Number(row.cost) }));
  }

  async counts(): Promise<{ open: number; unknown: number }> {
    const { rows } = await this.pool.query<{ open: string; unknown: string }>(
      `SELECT (SELECT COUNT(*) FROM spark_attempts WHERE status = 'open' AND intent_at >= $1) AS open,
              (SELECT COUNT(*) FROM spark_attempts AS a WHERE status = 'unknown' AND id = (SELECT MAX(id) FROM spark_attempts AS b WHERE b.key = a.key)) AS unknown`,
      [this.clock.now() - COLLECTABLE_FOR_MS],
    );
    return { open: Number(rows[0]!.open), unknown: Number(rows[0]!.unknown) };
  }

  sharedSpend(): PgSpend {
    return this.spend;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.heartbeat.stop();
    try {
      await this.pool.query('DELETE FROM spark_claims WHERE worker = $1', [this.me.id]);
    } finally {
      await this.pool.end();
    }
  }

  private async claimInDatabase(key: string): Promise<ClaimResult> {
    let result: ClaimResult = { ok: false, heldBy: 'nobody: the ledger could not be written' };
    try {
      result = await takeLease(this.pool, key, this.me, this.clock.now(), this.leaseMs);
    } finally {
      if (!result.ok) this.heldHere.giveBack(key);
      this.heartbeat.holding(this.heldHere.keys().length);
    }
    return result;
  }

  private async finish(taskId: string, status: LedgerStatus, output: string | null, cost: string | null, errorCode: string | null): Promise<void> {
    await this.pool.query(
      'UPDATE spark_attempts SET status = $1, output = $2, cost = COALESCE($3, cost), error_code = $4, finished_at = $5 WHERE task_id = $6',
      [status, output, cost, errorCode, this.clock.now(), taskId],
    );
  }

  private async inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
