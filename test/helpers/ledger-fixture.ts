import { join } from 'node:path';
import type { Clock } from '../../src/core/clock.js';
import { STYLES } from '../../src/catalog/styles.js';
import type { HistoryRow } from '../../src/ledger/ledger.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';

/**
 * Puts rows into a ledger file as earlier runs would have, for `history` and `doctor` tests:
 * through the ledger's own write API, each row at its own time.
 */
export async function fillLedger(path: string, rows: readonly HistoryRow[]): Promise<void> {
  let now = 0;
  const clock: Clock = { now: () => now, sleep: async () => undefined };
  const ledger = SqliteLedger.open(path, clock);
  try {
    for (const [index, row] of rows.entries()) {
      now = Date.parse(row.at);
      const style = STYLES.find((candidate) => candidate.alias === row.style) ?? STYLES[0]!;
      const attempt = await ledger.recordIntent({
        key: `fixture-${index}`,
        input: row.input,
        inputSha256: `sha-${index}`,
        style: row.style,
        reqKey: style.reqKey,
        subReqKey: style.subReqKey,
        options: {},
        outputBase: null,
      });
      if (row.status === 'unknown') continue;
      if (row.status === 'never-sent') {
        await ledger.recordNeverSent(attempt, row.error_code);
        continue;
      }
      const taskId = row.task_id ?? `task${index}`;
      await ledger.recordAnswer(attempt, taskId);
      if (row.status === 'saved') await ledger.recordSaved(taskId, row.output ?? `${row.input}.${row.style}.jpg`, row.cost);
      else if (row.status === 'failed') await ledger.recordFailed(taskId, row.error_code, row.cost);
      else if (row.status === 'expired') await ledger.recordExpired(taskId);
    }
  } finally {
    await ledger.close();
  }
}

/** The ledger file inside a config folder (SPARK_STYLE_CONFIG_DIR). */
export function ledgerIn(configDir: string): string {
  return join(configDir, 'ledger.db');
}

export function row(overrides: Partial<HistoryRow> & Pick<HistoryRow, 'at' | 'input'>): HistoryRow {
  return { style: 'ghibli', task_id: null, status: 'saved', output: null, cost: null, error_code: null, worker: null, ...overrides };
}
