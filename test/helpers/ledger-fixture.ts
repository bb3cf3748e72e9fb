import Database from 'libsql';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { systemClock } from '../../src/core/clock.js';
import { Ledger, type HistoryRow } from '../../src/ledger/ledger.js';

/**
 * Puts rows into a ledger file as earlier runs would have, for `history` and `doctor` tests.
 * The one place that knows how the ledger stores them: written against the stand-in's table;
 * at merge it becomes calls to the real ledger's write API.
 */
export function fillLedger(path: string, rows: readonly HistoryRow[]): void {
  Ledger.open(path, systemClock).close();
  const db = new Database(path);
  const insert = db.prepare('INSERT INTO tasks (at, input, style, task_id, status, output, cost, error_code) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  for (const row of rows) insert.run(row.at, row.input, row.style, row.task_id, row.status, row.output, row.cost, row.error_code);
  db.close();
  chmodSync(path, 0o600);
}

/** The ledger file inside a config folder (SPARK_STYLE_CONFIG_DIR). */
export function ledgerIn(configDir: string): string {
  return join(configDir, 'ledger.db');
}

export function row(overrides: Partial<HistoryRow> & Pick<HistoryRow, 'at' | 'input'>): HistoryRow {
  return { style: 'ghibli', task_id: null, status: 'saved', output: null, cost: null, error_code: null, ...overrides };
}
