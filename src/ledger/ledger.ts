import Database from 'libsql';
import type { Clock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import { apiOrigin, COLLECTABLE_FOR_MS } from './item-key.js';
import { importJournalOnce } from './migrate-journal.js';
import { prepareLedgerFile } from './ledger-file.js';
import { currentProcess, isAlive, isSameProcess, type ProcessIdentity } from './process-marker.js';
import { prepareDatabase } from './schema.js';

/**
 * The task ledger: what every create was meant to do (written and flushed BEFORE the request
 * leaves), which task it made, and how that ended. It is what lets any later run tell a task
 * it may collect for free from an item it must not pay for again.
 *
 * unknown    the intent is recorded, no answer was: the create may or may not have made a task
 * never-sent the client proved nothing was created (refused connection, DNS failure, a 4xx)
 * open       a task exists and has not been saved yet
 * saved / failed / expired: how the task ended
 */
export type LedgerStatus = 'saved' | 'failed' | 'open' | 'unknown' | 'expired' | 'never-sent';

export interface HistoryRow {
  /** ISO time of the intent. */
  at: string;
  input: string;
  style: string;
  task_id: string | null;
  status: LedgerStatus;
  output: string | null;
  cost: string | null;
  error_code: string | null;
}

export interface HistoryFilter {
  /** Epoch ms, inclusive. */
  sinceMs?: number;
  style?: string;
  status?: LedgerStatus;
  limit?: number;
}

/** What a run means to send, recorded before it is sent. */
export interface Intent {
  readonly key: string;
  readonly input: string;
  readonly inputSha256: string;
  readonly style: string;
  readonly reqKey: string;
  readonly subReqKey: string | null;
  /** Every option that changes the result. */
  readonly options: Record<string, unknown>;
  readonly outputBase: string | null;
}

/** The latest attempt for an item key (or the one that made a task). */
export interface LedgerEntry {
  readonly attempt: number;
  readonly key: string;
  readonly input: string;
  readonly style: string;
  readonly outputBase: string | null;
  /** Epoch ms of the intent. */
  readonly intentAt: number;
  /** The API the create was sent to (apiOrigin), or null for rows older than version 2. */
  readonly origin: string | null;
  readonly taskId: string | null;
  readonly status: LedgerStatus;
  readonly output: string | null;
  readonly cost: string | null;
  readonly errorCode: string | null;
}

/** Taking a claim either succeeds, or names the live run that holds it. */
type ClaimResult = { readonly ok: true } | { readonly ok: false; readonly heldByPid: number };

interface AttemptRow {
  id: number;
  key: string;
  input: string;
  style: string;
  output_base: string | null;
  intent_at: number;
  origin: string | null;
  task_id: string | null;
  status: string;
  output: string | null;
  cost: string | null;
  error_code: string | null;
}

const ENTRY_COLUMNS = 'id, key, input, style, output_base, intent_at, origin, task_id, status, output, cost, error_code';
/** Rows of this ledger's API, and rows that do not say (written before origins were recorded). */
const SAME_ORIGIN = '(origin IS NULL OR origin = ?)';
/** A cost worth a median: digits with at most one dot, under $1000. */
const SANE_COST = "cost IS NOT NULL AND cost GLOB '[0-9]*' AND cost NOT GLOB '*[^0-9.]*' AND cost NOT GLOB '*.*.*' AND CAST(cost AS REAL) < 1000";

export class Ledger {
  private readonly me: ProcessIdentity = currentProcess();
  /** Claims held by items of this process: two items of one run with the same key take turns. */
  private readonly heldHere = new Map<string, { released: Promise<void>; release: () => void }>();

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
  ) {}

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
  static open(path: string, clock: Clock, options: { baseUrl?: string } = {}): Ledger {
    prepareLedgerFile(path);
    let db: Database.Database;
    try {
      db = new Database(path, { timeout: 30_000 });
      prepareDatabase(db, false);
    } catch (error) {
      throw new UsageError(`the task ledger ${path} cannot be read: ${(error as Error).message}`, {
        code: 'ledger-unreadable',
        hint: 'move the file aside to start a new ledger (tasks it knows would then be created again)',
      });
    }
    const ledger = new Ledger(db, clock, path, options.baseUrl === undefined ? null : apiOrigin(options.baseUrl));
    importJournalOnce(db, path, clock);
    return ledger;
  }

  /** Offline runs: the emulator's tasks die with the process, so does their ledger. */
  static inMemory(clock: Clock): Ledger {
    const db = new Database(':memory:');
    prepareDatabase(db, true);
    return new Ledger(db, clock, null, null);
  }

  /**
   * The newest attempt for an item sent to this ledger's API (or to one not recorded), or
   * undefined. A task on another service cannot be collected here, and an unknown outcome
   * there charged nothing here.
   */
  lookup(key: string): LedgerEntry | undefined {
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
  savedOutputs(key: string, limit = 5): string[] {
    const rows = this.statement(`SELECT output FROM attempts WHERE key = ? AND output IS NOT NULL AND ${this.originFilter()} ORDER BY id DESC LIMIT ?`)
      .raw(true)
      .all(key, ...this.originParams(), limit) as [string][];
    return rows.map(([output]) => output);
  }

  findTask(taskId: string): LedgerEntry | undefined {
    const row = this.statement(`SELECT ${ENTRY_COLUMNS} FROM attempts WHERE task_id = ?`).get(taskId) as AttemptRow | undefined;
    return row ? toEntry(row) : undefined;
  }

  /**
   * Written (and, with synchronous=FULL, on disk) before the create is sent. If the process
   * dies from here until recordAnswer, every later run sees "outcome unknown".
   * Returns the attempt's id for the calls that follow.
   */
  recordIntent(intent: Intent): number {
    const result = this.statement(
      `INSERT INTO attempts (key, input, input_sha256, style, req_key, sub_req_key, options, output_base, intent_at, origin, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'unknown')`,
    ).run(
      intent.key,
      intent.input,
      intent.inputSha256,
      intent.style,
      intent.reqKey,
      intent.subReqKey,
      JSON.stringify(intent.options),
      intent.outputBase,
      this.clock.now(),
      this.origin,
    );
    return Number(result.lastInsertRowid);
  }

  recordAnswer(attempt: number, taskId: string): void {
    this.statement("UPDATE attempts SET task_id = ?, status = 'open' WHERE id = ?").run(taskId, attempt);
  }

  /** The client proved that no task was made: the item may be sent again freely. */
  recordNeverSent(attempt: number, errorCode: string | null): void {
    this.statement("UPDATE attempts SET status = 'never-sent', error_code = ?, finished_at = ? WHERE id = ?").run(errorCode, this.clock.now(), attempt);
  }

  recordSaved(taskId: string, output: string, cost: string | null): void {
    this.finish(taskId, 'saved', { output, cost, errorCode: null });
  }

  recordFailed(taskId: string, errorCode: string | null, cost: string | null = null): void {
    this.finish(taskId, 'failed', { output: null, cost, errorCode });
  }

  /** A saved task that expired keeps the file it was saved as: the picture is still there. */
  recordExpired(taskId: string): void {
    this.statement("UPDATE attempts SET status = 'expired', error_code = NULL, finished_at = ? WHERE task_id = ?").run(this.clock.now(), taskId);
  }

  /**
   * Makes this process the one working on an item. A claim whose owner is alive is left alone;
   * one left by a dead run (SIGKILL, a closed terminal, a reboot) is taken over. BEGIN
   * IMMEDIATE makes the look and the write one step for every process sharing the file.
   */
  claim(key: string): ClaimResult {
    if (this.heldHere.has(key)) return { ok: false, heldByPid: this.me.pid };
    const result = this.inWriteTransaction((): ClaimResult => {
      const holder = this.holderOf(key);
      if (holder && !isSameProcess(holder, this.me) && isAlive(holder)) return { ok: false, heldByPid: holder.pid };
      this.statement('INSERT OR REPLACE INTO claims (key, pid, marker, claimed_at) VALUES (?, ?, ?, ?)').run(
        key,
        this.me.pid,
        this.me.marker,
        this.clock.now(),
      );
      return { ok: true };
    });
    if (result.ok) {
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      this.heldHere.set(key, { released, release });
    }
    return result;
  }

  /**
   * Claims the key once no other item of this process holds it. Two items of one run with the
   * same content, style and options (copies of a photo under two names) then take turns: the
   * next finds the first's task and collects it, free. The wait and the claim are one step:
   * with three or more copies, all waiters wake at one release, and each checks again before
   * claiming, so only one takes the turn.
   */
  async claimInTurn(key: string): Promise<ClaimResult> {
    for (let hold = this.heldHere.get(key); hold; hold = this.heldHere.get(key)) await hold.released;
    return this.claim(key);
  }

  /** The pid of another live run working on the item, or null (for plans, which claim nothing). */
  claimHolder(key: string): number | null {
    const holder = this.holderOf(key);
    if (!holder || isSameProcess(holder, this.me) || !isAlive(holder)) return null;
    return holder.pid;
  }

  release(key: string): void {
    this.heldHere.get(key)?.release();
    this.heldHere.delete(key);
    this.statement('DELETE FROM claims WHERE key = ? AND pid = ? AND marker = ?').run(key, this.me.pid, this.me.marker);
  }

  /**
   * Newest first. An open task past the 24 hours its results live is shown as expired.
   * Rows come from an index on the intent time; give a `limit` (or `sinceMs`) unless every
   * matching row of months of history is really wanted in memory.
   */
  history(filter: HistoryFilter = {}): HistoryRow[] {
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
      `SELECT intent_at, input, style, task_id, ${status} AS shown, output, cost, error_code FROM attempts
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
    }));
  }

  /** The median cost of saved tasks (of one style, if given), over costs that read as a sane number. */
  medianCost(style?: string): number | null {
    const filter = `status = 'saved' AND ${SANE_COST}${style !== undefined ? ' AND style = ?' : ''}`;
    const params = style !== undefined ? [style] : [];
    const count = Number(
      (
        this.statement(`SELECT COUNT(*) FROM attempts WHERE ${filter}`)
          .raw(true)
          .get(...params) as unknown[]
      )[0],
    );
    if (count === 0) return null;
    const middle = this.statement(`SELECT CAST(cost AS REAL) FROM attempts WHERE ${filter} ORDER BY CAST(cost AS REAL) LIMIT ? OFFSET ?`)
      .raw(true)
      .all(...params, count % 2 === 0 ? 2 : 1, Math.floor((count - 1) / 2)) as unknown[][];
    const values = middle.map((row) => Number(row[0]));
    return values.reduce((sum, value) => sum + value, 0) / values.length;
  }

  /**
   * The costs of the newest saved tasks (sane ones only), newest first: what prices look like
   * now, read through the time index, so it costs the same with months of history behind it.
   */
  recentCosts(limit: number): { style: string; cost: number }[] {
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
  counts(): { open: number; unknown: number } {
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

  /** Lets go of every claim this process still holds, then closes the file. */
  close(): void {
    if (!this.db.open) return;
    try {
      this.statement('DELETE FROM claims WHERE pid = ? AND marker = ?').run(this.me.pid, this.me.marker);
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

  private holderOf(key: string): ProcessIdentity | null {
    const row = this.statement('SELECT pid, marker FROM claims WHERE key = ?').get(key) as { pid: number; marker: string } | undefined;
    return row ? { pid: Number(row.pid), marker: row.marker } : null;
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

function toEntry(row: AttemptRow): LedgerEntry {
  return {
    attempt: Number(row.id),
    key: row.key,
    input: row.input,
    style: row.style,
    outputBase: row.output_base,
    intentAt: Number(row.intent_at),
    origin: row.origin,
    taskId: row.task_id,
    status: row.status as LedgerStatus,
    output: row.output,
    cost: row.cost,
    errorCode: row.error_code,
  };
}
