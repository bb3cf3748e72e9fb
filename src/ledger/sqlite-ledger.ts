import Database from 'libsql';
import type { Clock } from '../core/clock.js';
import { apiOrigin, COLLECTABLE_FOR_MS } from './item-key.js';
import { importJournalOnce } from './migrate-journal.js';
import { prepareLedgerFile } from './ledger-file.js';
import { checkLedgerFile, ledgerOpenProblem, watchLedgerFile } from './ledger-problems.js';
import { ClaimTurns } from './claim-turns.js';
import { DEFAULT_LEASE_MS, describeHolder, Heartbeat, type LeaseHolder, leaseIsLive, thisWorker, type Worker } from './lease.js';
import {
  type ClaimResult,
  type HistoryFilter,
  type HistoryRow,
  type Intent,
  type Ledger,
  type LedgerEntry,
  LeaseLostError,
  type LedgerStatus,
} from './ledger.js';
import { prepareDatabase } from './schema.js';
import { type AttemptRow, ENTRY_COLUMNS, INTENT_COLUMNS, intentValues, toEntry } from './attempt-row.js';

interface ClaimRow {
  worker: string;
  host: string;
  pid: number;
  marker: string;
  expires_at: number;
}

/** Rows of this ledger's API, and rows that do not say (written before origins were recorded). */
const SAME_ORIGIN = '(origin IS NULL OR origin = ?)';
/** A cost worth a median: digits with at most one dot, under $1000. */
const SANE_COST = "cost IS NOT NULL AND cost GLOB '[0-9]*' AND cost NOT GLOB '*[^0-9.]*' AND cost NOT GLOB '*.*.*' AND CAST(cost AS REAL) < 1000";

/**
 * The ledger of one machine: a SQLite file (libsql) shared by every run on it. Its calls are
 * synchronous underneath; they return promises to answer to the same Ledger as a shared database.
 */
export class SqliteLedger implements Ledger {
  private readonly me: Worker = thisWorker();
  private readonly heldHere = new ClaimTurns();
  private readonly heartbeat: Heartbeat;
  readonly shared = false;

  /**
   * Each statement is prepared once and reused: a statement prepared per call holds its native
   * SQLite handle until V8 happens to collect the small wrapper, so a batch's ledger calls
   * piled up outside the JS heap and the process grew with every item.
   */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    readonly path: string | null,
    /** The API this run talks to: tasks recorded against another one are not looked up. */
    readonly origin: string | null,
    private readonly leaseMs: number,
  ) {
    this.heartbeat = new Heartbeat(Math.max(250, Math.floor(leaseMs / 3)), () => this.renewLeases());
  }

  get location(): string | null {
    return this.path;
  }

  get workerId(): string {
    return this.me.id;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Opens (or creates) the ledger file: 0600 in a 0700 folder, never through a symbolic link.
   * The first open next to an old journal.jsonl imports it once and keeps it as a backup.
   */
  static open(path: string, clock: Clock, options: { baseUrl?: string; leaseMs?: number } = {}): SqliteLedger {
    let db: Database.Database;
    try {
      prepareLedgerFile(path);
      db = new Database(path, { timeout: 30_000 });
      prepareDatabase(db, false);
    } catch (error) {
      throw ledgerOpenProblem(path, error);
    }
    const origin = options.baseUrl === undefined ? null : apiOrigin(options.baseUrl);
    const ledger = new SqliteLedger(db, clock, path, origin, options.leaseMs ?? DEFAULT_LEASE_MS);
    watchLedgerFile(ledger, path);
    importJournalOnce(db, path, clock);
    return ledger;
  }

  /** Offline runs: the emulator's tasks die with the process, so does their ledger. */
  static inMemory(clock: Clock): SqliteLedger {
    const db = new Database(':memory:');
    prepareDatabase(db, true);
    return new SqliteLedger(db, clock, null, null, DEFAULT_LEASE_MS);
  }

  /**
   * The newest attempt for an item sent to this ledger's API (or to one not recorded), or
   * undefined. A task on another service cannot be collected here, and an unknown outcome
   * there charged nothing here.
   */
  async lookup(key: string): Promise<LedgerEntry | undefined> {
    const row = this.statement(`SELECT ${ENTRY_COLUMNS} FROM attempts WHERE key = ? AND ${this.originFilter()} ORDER BY id DESC LIMIT 1`).get(
      key,
      ...this.originParams(),
    ) as AttemptRow | undefined;
    return row ? toEntry(row) : undefined;
  }

  /**
   * The files earlier tasks of an item were saved as, newest first (a few at most): where the
   * picture may still be, wherever it went (a fallback name, the rescue folder, another
   * {date} folder). Expired tasks keep the file they were saved as.
   */
  async savedOutputs(key: string, limit = 5): Promise<string[]> {
    const rows = this.statement(`SELECT output FROM attempts WHERE key = ? AND output IS NOT NULL AND ${this.originFilter()} ORDER BY id DESC LIMIT ?`)
      .raw(true)
      .all(key, ...this.originParams(), limit) as [string][];
    return rows.map(([output]) => output);
  }

  async findTask(taskId: string): Promise<LedgerEntry | undefined> {
    const row = this.statement(`SELECT ${ENTRY_COLUMNS} FROM attempts WHERE task_id = ?`).get(taskId) as AttemptRow | undefined;
    return row ? toEntry(row) : undefined;
  }

  /**
   * Written (and, with synchronous=FULL, on disk) before the create is sent. If the process
   * dies from here until recordAnswer, every later run sees "outcome unknown".
   * Returns the attempt's id for the calls that follow.
   */
  async recordIntent(intent: Intent): Promise<number> {
    checkLedgerFile(this);
    return this.inWriteTransaction(() => {
      // Fenced: a worker whose lease lapsed and was taken over must not send the create too.
      const holder = this.holderOf(intent.key);
      if (holder && holder.worker !== this.me.id) throw new LeaseLostError(describeHolder(holder));
      const values = intentValues(intent, this.clock.now(), this.origin, this.me);
      const result = this.statement(`INSERT INTO attempts (${INTENT_COLUMNS}) VALUES (${values.map(() => '?').join(', ')})`).run(...values);
      return Number(result.lastInsertRowid);
    });
  }

  async recordAnswer(attempt: number, taskId: string): Promise<void> {
    this.statement("UPDATE attempts SET task_id = ?, status = 'open' WHERE id = ?").run(taskId, attempt);
  }

  /** The client proved that no task was made: the item may be sent again freely. */
  async recordNeverSent(attempt: number, errorCode: string | null): Promise<void> {
    this.statement("UPDATE attempts SET status = 'never-sent', error_code = ?, finished_at = ? WHERE id = ?").run(errorCode, this.clock.now(), attempt);
  }

  async recordSaved(taskId: string, output: string, cost: string | null): Promise<void> {
    this.finish(taskId, 'saved', { output, cost, errorCode: null });
  }

  async recordFailed(taskId: string, errorCode: string | null, cost: string | null = null): Promise<void> {
    this.finish(taskId, 'failed', { output: null, cost, errorCode });
  }

  /** A saved task that expired keeps the file it was saved as: the picture is still there. */
  async recordExpired(taskId: string): Promise<void> {
    this.statement("UPDATE attempts SET status = 'expired', error_code = NULL, finished_at = ? WHERE task_id = ?").run(this.clock.now(), taskId);
  }

  async claim(key: string): Promise<ClaimResult> {
    if (this.heldHere.has(key)) return { ok: false, heldBy: describeHolder({ worker: this.me.id, host: this.me.host, pid: this.me.pid }) };
    this.heldHere.take(key);
    return this.claimInFile(key);
  }

  async claimInTurn(key: string): Promise<ClaimResult> {
    await this.heldHere.acquire(key);
    return this.claimInFile(key);
  }

  /**
   * A live lease of another worker is left alone; a lapsed one (or one whose process on this
   * host is gone: SIGKILL, a closed terminal, a reboot) is taken over. BEGIN IMMEDIATE makes the
   * look and the write one step for every process sharing the file. The caller holds the key's
   * turn in this process.
   */
  private claimInFile(key: string): ClaimResult {
    let result: ClaimResult = { ok: false, heldBy: 'nobody: the ledger could not be written' };
    try {
      result = this.inWriteTransaction((): ClaimResult => {
        const now = this.clock.now();
        const holder = this.holderOf(key);
        if (holder && leaseIsLive(holder, this.me, now)) {
          if (holder.worker !== this.me.id) return { ok: false, heldBy: describeHolder(holder) };
        }
        this.statement('INSERT OR REPLACE INTO claims (key, worker, host, pid, marker, expires_at, claimed_at) VALUES (?, ?, ?, ?, ?, ?, ?)').run(
          key,
          this.me.id,
          this.me.host,
          this.me.pid,
          this.me.marker,
          now + this.leaseMs,
          now,
        );
        return { ok: true };
      });
    } finally {
      if (!result.ok) this.heldHere.giveBack(key);
      this.heartbeat.holding(this.heldHere.keys().length);
    }
    return result;
  }

  /** Another live worker holding the item, or null (for plans, which claim nothing). */
  async claimHolder(key: string): Promise<string | null> {
    const holder = this.holderOf(key);
    if (!holder || holder.worker === this.me.id || !leaseIsLive(holder, this.me, this.clock.now())) return null;
    return describeHolder(holder);
  }

  async release(key: string): Promise<void> {
    this.heldHere.giveBack(key);
    this.heartbeat.holding(this.heldHere.keys().length);
    this.statement('DELETE FROM claims WHERE key = ? AND worker = ?').run(key, this.me.id);
  }

  /** The heartbeat: every lease this worker holds runs for another lease duration from now. */
  async renewLeases(): Promise<void> {
    if (!this.db.open) return;
    this.statement('UPDATE claims SET expires_at = ? WHERE worker = ?').run(this.clock.now() + this.leaseMs, this.me.id);
  }

  /**
   * Newest first. An open task past the 24 hours its results live is shown as expired.
   * Rows come from an index on the intent time; give a `limit` (or `sinceMs`) unless every
   * matching row of months of history is really wanted in memory.
   */
  async history(filter: HistoryFilter = {}): Promise<HistoryRow[]> {
    const status = `CASE WHEN status = 'open' AND intent_at < ? THEN 'expired' ELSE status END`;
    const where: string[] = [];
    const params: unknown[] = [this.clock.now() - COLLECTABLE_FOR_MS];
    if (filter.sinceMs !== undefined) {
      where.push('intent_at >= ?');
      params.push(filter.sinceMs);
    }
    if (filter.style !== undefined) {
      where.push('style = ?');
      params.push(filter.style);
    }
    if (filter.status !== undefined) {
      where.push(`${status} = ?`);
      params.push(this.clock.now() - COLLECTABLE_FOR_MS, filter.status);
    }
    const limit = filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : '';
    const rows = this.statement(
      `SELECT intent_at, input, style, task_id, ${status} AS shown, output, cost, error_code, worker, host FROM attempts
         ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY intent_at DESC, id DESC${limit}`,
    ).all(...params) as {
      intent_at: number;
      input: string;
      style: string;
      task_id: string | null;
      shown: string;
      output: string | null;
      cost: string | null;
      error_code: string | null;
      worker: string | null;
      host: string | null;
    }[];
    return rows.map((row) => ({
      at: new Date(row.intent_at).toISOString(),
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

  /**
   * The costs of the newest saved tasks (sane ones only), newest first: what prices look like
   * now, read through the time index, so it costs the same with months of history behind it.
   */
  async recentCosts(limit: number): Promise<{ style: string; cost: number }[]> {
    const rows = this
      // The newest saved tasks first, then those with a sane cost among them: a ledger whose
      // tasks carry no cost must not be scanned whole (300,000 rows) to find none.
      .statement(
        `SELECT style, CAST(cost AS REAL) FROM (SELECT style, cost FROM attempts WHERE status = 'saved' ORDER BY intent_at DESC LIMIT ?) WHERE ${SANE_COST}`,
      )
      .raw(true)
      .all(Math.max(0, Math.floor(limit))) as [string, number][];
    return rows.map(([style, cost]) => ({ style, cost: Number(cost) }));
  }

  /** Tasks still collectable, and items whose latest create has an unknown outcome. */
  async counts(): Promise<{ open: number; unknown: number }> {
    const open = this.statement("SELECT COUNT(*) FROM attempts WHERE status = 'open' AND intent_at >= ?")
      .raw(true)
      .get(this.clock.now() - COLLECTABLE_FOR_MS) as unknown[];
    const unknown = this.statement(
      "SELECT COUNT(*) FROM attempts AS a WHERE status = 'unknown' AND id = (SELECT MAX(id) FROM attempts AS b WHERE b.key = a.key)",
    )
      .raw(true)
      .get() as unknown[];
    return { open: Number(open[0]), unknown: Number(unknown[0]) };
  }

  sharedSpend(): null {
    return null;
  }

  /** Lets go of every claim this process still holds, then closes the file. */
  async close(): Promise<void> {
    this.heartbeat.stop();
    if (!this.db.open) return;
    try {
      this.statement('DELETE FROM claims WHERE worker = ?').run(this.me.id);
      // The file is whole when close returns: SQLite closes for good only once V8 collects the
      // cached statements, and would fold the WAL into the file then, long after the run ended.
      // PASSIVE: never waits for another run sharing the file.
      if (this.path !== null) checkpoint(this.db);
    } finally {
      this.statements.clear();
      this.db.close();
    }
  }

  private originFilter(): string {
    return this.origin === null ? '1' : SAME_ORIGIN;
  }

  private originParams(): string[] {
    return this.origin === null ? [] : [this.origin];
  }

  private holderOf(key: string): LeaseHolder | null {
    const row = this.statement('SELECT worker, host, pid, marker, expires_at FROM claims WHERE key = ?').get(key) as ClaimRow | undefined;
    return row ? { worker: row.worker, host: row.host, pid: Number(row.pid), marker: row.marker, expiresAt: Number(row.expires_at) } : null;
  }

  private finish(taskId: string, status: LedgerStatus, outcome: { output: string | null; cost: string | null; errorCode: string | null }): void {
    this.statement('UPDATE attempts SET status = ?, output = ?, cost = COALESCE(?, cost), error_code = ?, finished_at = ? WHERE task_id = ?').run(
      status,
      outcome.output,
      outcome.cost,
      outcome.errorCode,
      this.clock.now(),
      taskId,
    );
  }

  private inWriteTransaction<T>(work: () => T): T {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = work();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }
}

/** Folds the WAL into the file if it can right now; a busy file is folded later by SQLite itself. */
function checkpoint(db: Database.Database): void {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch {
    // Another connection holds a lock: nothing is lost, the WAL is the file's continuation.
  }
}
