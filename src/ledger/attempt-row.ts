import type { LedgerEntry, LedgerStatus } from './ledger.js';

/**
 * An attempt as both ledgers store it. Numbers come back as numbers from SQLite and as strings
 * from PostgreSQL (BIGINT), so both are accepted and turned into numbers here.
 */
export interface AttemptRow {
  id: number | string;
  key: string;
  input: string;
  style: string;
  output_base: string | null;
  intent_at: number | string;
  origin: string | null;
  task_id: string | null;
  status: string;
  output: string | null;
  cost: string | null;
  error_code: string | null;
  worker: string | null;
}

/** The columns an AttemptRow is read from, in both ledgers. */
export const ENTRY_COLUMNS = 'id, key, input, style, output_base, intent_at, origin, task_id, status, output, cost, error_code, worker';

export function toEntry(row: AttemptRow): LedgerEntry {
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
    worker: row.worker,
  };
}
