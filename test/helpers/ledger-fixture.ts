import { join } from 'node:path';
import type { Clock } from '../../src/core/clock.js';
import { STYLES } from '../../src/catalog/styles.js';
import { Ledger, type HistoryRow } from '../../src/ledger/ledger.js';

/**
 * Puts rows into a ledger file as earlier runs would have, for `history` and `doctor` tests:
 * through the ledger's own write API, each row at its own time.
 */
export function fillLedger(path: string, rows: readonly HistoryRow[]): void {
  let now = 0;
  const clock: Clock = { now: () => now, sleep: async () => undefined };
  const ledger = Ledger.open(path, clock);
  try {
    rows.forEach((row, index) => {
      now = Date.parse(row.at);
      const style = STYLES.find((candidate) => candidate.alias === row.style) ?? STYLES[0]!;
      const attempt = ledger.recordIntent({
        key: `fixture-${index}`,
        input: row.input,
        inputSha256: `sha-${index}`,
        style: row.style,
        reqKey: style.reqKey,
        subReqKey: style.subReqKey,
        options: {},
        outputBase: null,
      });
      if (row.status === 'unknown') return;
      if (row.status === 'never-sent') return ledger.recordNeverSent(attempt, row.error_code);
      const taskId = row.task_id ?? `task${index}`;
      ledger.recordAnswer(attempt, taskId);
      if (row.status === 'saved') ledger.recordSaved(taskId, row.output ?? `${row.input}.${row.style}.jpg`, row.cost);
      else if (row.status === 'failed') ledger.recordFailed(taskId, row.error_code, row.cost);
      else if (row.status === 'expired') ledger.recordExpired(taskId);
    });
  } finally {
    ledger.close();
  }
}

/** The ledger file inside a config folder (SPARK_STYLE_CONFIG_DIR). */
export function ledgerIn(configDir: string): string {
  return join(configDir, 'ledger.db');
}

export function row(overrides: Partial<HistoryRow> & Pick<HistoryRow, 'at' | 'input'>): HistoryRow {
  return { style: 'ghibli', task_id: null, status: 'saved', output: null, cost: null, error_code: null, ...overrides };
}
