import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import { ensureFolderOrUsageError } from '../core/make-folder.js';
import { UsageError } from '../core/errors.js';
import { formatUsd } from '../core/money.js';
import type { Ledger } from '../ledger/ledger.js';
import { expandInputs } from '../runner/inputs.js';
import { previewItems } from '../runner/plan-decisions.js';
import { namingFor, planItems, type PlannedItem } from '../runner/plan.js';
import { forecastCost, priceBookFromLedger } from '../runner/prices.js';
import { selectShard } from '../runner/shard.js';
import { checkPlannedSheet } from '../sheet/plan.js';
import type { ResolvedRun } from './run-options.js';
import type { LeftOut, StylizeOptions } from './types.js';

/** The inputs, expanded (folders, patterns, "-"), planned with every style and named, then sharded. */
export async function planRun(
  inputs: readonly string[],
  options: Pick<StylizeOptions, 'recursive' | 'stdin' | 'sheetLayout'>,
  run: ResolvedRun,
  onLeftOut: (leftOut: LeftOut) => void,
): Promise<PlannedItem[]> {
  const sources = await expandInputs(inputs, {
    recursive: options.recursive === true,
    readStdin: options.stdin ?? (async () => ''),
    onLeftOut: (path, reason) => onLeftOut({ path, reason }),
  });
  if (sources.length === 0) throw new UsageError('no input images (stdin gave no paths)');
  const items = selectShard(planItems(sources, run.styles, run.outDir, await namingFor(sources, run.nameTemplate)), run.shard);
  if (options.sheetLayout) await checkPlannedSheet(items, options.sheetLayout);
  return items;
}

/** Results we paid for must have somewhere to go: every output folder is made and probed first. */
export async function ensureWritableFolders(items: readonly PlannedItem[]): Promise<void> {
  const folders = new Set(items.flatMap((item) => (item.outputBase ? [dirname(item.outputBase)] : [])));
  for (const folder of folders) {
    await ensureFolderOrUsageError(folder, { hint: 'choose another folder with --out', beforePaying: true });
    try {
      await access(folder, constants.W_OK);
    } catch {
      throw new UsageError(`cannot save results in ${folder}: permission denied; nothing was sent`, {
        code: 'output-folder',
        hint: 'choose another folder with --out',
      });
    }
  }
}

/**
 * --max-tasks counts the items the run would create a task for: the same decisions as the run
 * and the plan. With --budget too it still counts every task the plan needs: a real cost below
 * the estimate lets the budget through more tasks than a forecast can promise, and --max-tasks
 * is a promise about the count.
 */
export async function enforceMaxTasks(items: readonly PlannedItem[], run: ResolvedRun, ledger: Ledger, now: number): Promise<void> {
  const maxTasks = run.maxTasks;
  if (maxTasks === undefined) return;
  const previews = await previewItems(items, { ledger, settings: run.settings, now, withBody: false });
  const creates = previews.filter((preview) => preview.decision.action === 'create').map((preview) => preview.item.style.alias);
  const needed = creates.length;
  if (needed <= maxTasks) return;
  const { budgetMicro } = run;
  const fitting = budgetMicro === null ? null : forecastCost(creates, await priceBookFromLedger(ledger), budgetMicro).fitting;
  const budgetNote =
    budgetMicro === null
      ? ''
      : fitting === null
        ? ` (--budget ${formatUsd(budgetMicro)}: the price is not known yet)`
        : ` (--budget ${formatUsd(budgetMicro)} would let about ${fitting} through)`;
  throw new UsageError(`this run would create ${needed} task${needed === 1 ? '' : 's'}, more than --max-tasks ${maxTasks}${budgetNote}; nothing was sent`, {
    code: 'max-tasks',
    hint:
      budgetMicro === null
        ? 'check the plan with --dry-run, or raise --max-tasks'
        : 'check the plan with --dry-run; raise --max-tasks to let --budget alone decide where the run stops',
  });
}
