import type { HistoryEntry as HistoryRow } from '../../engine/types.js';
import { forDisplay } from '../../terminal/sanitize.js';
import { renderTable } from '../../terminal/table.js';

/**
 * One JSON object per line with the same keys in the same order on every line (null where
 * unknown), so `history --json | jq` needs no guarding.
 */
export function historyJsonLine(row: HistoryRow): string {
  return JSON.stringify({
    at: row.at,
    input: row.input,
    style: row.style,
    task_id: row.task_id,
    status: row.status,
    output: row.output,
    cost: row.cost,
    error_code: row.error_code,
    worker: row.worker,
  });
}

/** Local time to the minute: what a person compares with their memory of the run. */
function formatWhen(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${two(at.getMonth() + 1)}-${two(at.getDate())} ${two(at.getHours())}:${two(at.getMinutes())}`;
}

/** `withWorker`: a ledger shared by a fleet, where which worker made a task is worth a column. */
export function historyTable(rows: readonly HistoryRow[], withWorker = false): string[] {
  const cells = (row: HistoryRow) => [
    formatWhen(row.at),
    row.input,
    row.style,
    row.task_id ?? '-',
    row.status,
    row.output ?? '-',
    row.cost === null ? '-' : `$${row.cost}`,
    ...(withWorker ? [row.worker ?? '-'] : []),
  ];
  const headers = ['when', 'input', 'style', 'task id', 'status', 'output', 'cost', ...(withWorker ? ['worker'] : [])];
  // Every cell on one line (forDisplay, as item lines): a newline in a file name would forge a row.
  return renderTable(
    headers,
    rows.map((row) => cells(row).map((cell) => forDisplay(cell))),
    true,
  );
}

interface CostTotal {
  readonly usd: number;
  /** Rows whose cost is known; the others were never charged or never reported a cost. */
  readonly priced: number;
  readonly rows: number;
}

export function totalCost(rows: readonly HistoryRow[]): CostTotal {
  let cents = 0;
  let priced = 0;
  for (const row of rows) {
    const value = row.cost === null ? NaN : Number(row.cost);
    if (!Number.isFinite(value)) continue;
    // Costs come as strings with four decimals; sum in ten-thousandths to avoid float drift.
    cents += Math.round(value * 10_000);
    priced++;
  }
  return { usd: cents / 10_000, priced, rows: rows.length };
}

export function totalLine(total: CostTotal): string {
  const tasks = `${total.rows} row${total.rows === 1 ? '' : 's'}`;
  return `total: $${total.usd.toFixed(4)} over ${tasks}${total.priced === total.rows ? '' : ` (${total.priced} with a known cost)`}`;
}
