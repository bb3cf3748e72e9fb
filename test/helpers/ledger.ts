import Database from 'libsql';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AttemptRow {
  key: string;
  input: string;
  style: string;
  req_key: string;
  options: string;
  task_id: string | null;
  status: string;
  output: string | null;
  cost: string | null;
  error_code: string | null;
}

/** Every attempt a run left in the ledger of a config folder, oldest first (read-only, straight from SQLite). */
export function ledgerRows(configDir: string): AttemptRow[] {
  const path = join(configDir, 'ledger.db');
  if (!existsSync(path)) return [];
  const db = new Database(path, { readonly: true });
  try {
    return (
      db.prepare('SELECT key, input, style, req_key, options, task_id, status, output, cost, error_code FROM attempts ORDER BY id').all() as AttemptRow[]
    ).map(({ key, input, style, req_key, options, task_id, status, output, cost, error_code }) => ({
      key,
      input,
      style,
      req_key,
      options,
      task_id,
      status,
      output,
      cost,
      error_code,
    }));
  } finally {
    db.close();
  }
}

/** The ledger's bytes on disk, WAL included: for "the key is never written" checks. */
export function ledgerBytes(configDir: string): string {
  return ['ledger.db', 'ledger.db-wal']
    .map((name) => join(configDir, name))
    .filter((path) => existsSync(path))
    .map((path) => readFileSync(path, 'latin1'))
    .join('');
}
