import type { Intent, LedgerEntry, LedgerStatus } from './ledger.js';
import type { Worker } from './lease.js';

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

/** The columns an intent is written to, in both ledgers; its status is 'unknown' until the answer comes. */
export const INTENT_COLUMNS = 'key, input, input_sha256, style, req_key, sub_req_key, options, output_base, intent_at, origin, worker, host, status';

/** An intent's values for INTENT_COLUMNS, in order (the last, status, is always 'unknown'). */
export function intentValues(intent: Intent, intentAt: number, origin: string | null, worker: Worker): (string | number | null)[] {
  const { key, input, inputSha256, style, reqKey, subReqKey, options, outputBase } = intent;
  return [key, input, inputSha256, style, reqKey, subReqKey, JSON.stringify(options), outputBase, intentAt, origin, worker.id, worker.host, 'unknown'];
}
