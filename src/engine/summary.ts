import { ExitCode, exitCodeForKind } from '../core/exit-codes.js';
import { usdAmount as usd } from '../core/money.js';
import type { ItemResult } from '../runner/events.js';
import type { RunSummary } from './types.js';

/** --budget and the spend counted against it (micro-dollars). */
export interface SpendSummary {
  readonly limitMicro: number;
  readonly spentMicro: number;
  /** Tasks counted at their estimate because their real cost is not known. */
  readonly estimatedTasks: number;
}

export function summarize(results: readonly ItemResult[], wallMs: number, spend: SpendSummary | null = null): RunSummary {
  const count = (status: ItemResult['status']) => results.filter((result) => result.status === status).length;
  // Summed in millionths, so that 0.1 + 0.2 stays 0.3.
  const micro = results.reduce((sum, result) => sum + (result.cost && result.created ? Math.round(Number(result.cost) * 1e6) || 0 : 0), 0);
  return {
    total: results.length,
    saved: count('saved'),
    skipped: count('skipped'),
    failed: count('failed'),
    interrupted: count('interrupted'),
    cancelled: count('cancelled'),
    tasks_created: results.filter((result) => result.created).length,
    // Interrupted items whose task exists on the server (the rest never started).
    still_running: results.filter((result) => result.status === 'interrupted' && result.task_id !== null).length,
    cost_usd: (micro / 1e6).toFixed(4),
    // Tasks this run created (and paid for) whose cost is not known; not in cost_usd.
    cost_unknown: results.filter((result) => result.created && !(result.cost && Number.isFinite(Number(result.cost)))).length,
    wall_ms: Math.round(wallMs),
    budget_usd: spend ? usd(spend.limitMicro) : null,
    spent_usd: spend ? usd(spend.spentMicro) : null,
    spent_estimated_tasks: spend?.estimatedTasks ?? 0,
    not_started_budget: results.filter(isHeldByBudget).length,
  };
}

export function isHeldByBudget(result: Pick<ItemResult, 'status' | 'error'>): boolean {
  return result.status === 'cancelled' && result.error?.code === 'budget';
}

/** The exit code one item stands for; a run's is the worst of them (core/exit-codes.ts). */
export function exitCodeOf(result: ItemResult): number {
  if (isHeldByBudget(result)) return ExitCode.BUDGET;
  // --max-tasks refused creates at run time: the same answer as when the plan refuses them.
  if (result.status === 'cancelled' && result.error?.code === 'max-tasks') return ExitCode.USAGE;
  if (result.status === 'saved' || result.status === 'skipped' || result.status === 'cancelled') return ExitCode.OK;
  return result.errorKind ? exitCodeForKind(result.errorKind) : ExitCode.ITEM_FAILED;
}
