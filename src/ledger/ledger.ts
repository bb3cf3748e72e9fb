// STAND-IN: replaced by the ledger branch at merge.
// Only the read interface that `history` and `doctor` use, on libsql with one simple table.
// The real ledger (written by `stylize`) replaces this file; the commands depend on nothing
// but the exported types and the methods below.
import Database from 'libsql';
import type { Clock } from '../core/clock.js';

export type LedgerStatus = 'saved' | 'failed' | 'open' | 'unknown' | 'expired' | 'never-sent';

export interface HistoryRow {
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

const SCHEMA = `CREATE TABLE IF NOT EXISTS tasks (
  at TEXT NOT NULL, input TEXT NOT NULL, style TEXT NOT NULL, task_id TEXT,
  status TEXT NOT NULL, output TEXT, cost TEXT, error_code TEXT)`;

export class Ledger {
  private constructor(private readonly db: Database.Database) {
    db.exec(SCHEMA);
  }

  static open(path: string, _clock: Clock): Ledger {
    return new Ledger(new Database(path));
  }

  static inMemory(_clock: Clock): Ledger {
    return new Ledger(new Database(':memory:'));
  }

  /** Newest first. */
  history(filter: HistoryFilter): HistoryRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.sinceMs !== undefined) {
      where.push('at >= ?');
      params.push(new Date(filter.sinceMs).toISOString());
    }
    if (filter.style !== undefined) {
      where.push('style = ?');
      params.push(filter.style);
    }
    if (filter.status !== undefined) {
      where.push('status = ?');
      params.push(filter.status);
    }
    const sql = `SELECT at, input, style, task_id, status, output, cost, error_code FROM tasks${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, rowid DESC${filter.limit !== undefined ? ` LIMIT ${Math.max(0, Math.floor(filter.limit))}` : ''}`;
    return this.db.prepare(sql).all(...params) as HistoryRow[];
  }

  medianCost(style?: string): number | null {
    const rows = this.db
      .prepare(`SELECT cost FROM tasks WHERE cost IS NOT NULL${style === undefined ? '' : ' AND style = ?'}`)
      .all(...(style === undefined ? [] : [style])) as { cost: string }[];
    const costs = rows.map((row) => Number(row.cost)).filter(Number.isFinite).sort((a, b) => a - b);
    if (costs.length === 0) return null;
    const middle = Math.floor(costs.length / 2);
    return costs.length % 2 ? costs[middle]! : (costs[middle - 1]! + costs[middle]!) / 2;
  }

  counts(): { open: number; unknown: number } {
    const rows = this.db.prepare(`SELECT status, COUNT(*) AS n FROM tasks WHERE status IN ('open', 'unknown') GROUP BY status`).all() as { status: string; n: number }[];
    const count = (status: string) => Number(rows.find((row) => row.status === status)?.n ?? 0);
    return { open: count('open'), unknown: count('unknown') };
  }

  close(): void {
    this.db.close();
  }
}
