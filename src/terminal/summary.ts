import { usdAmount as usd } from '../runner/budget.js';
import type { ItemResult } from '../runner/events.js';

export interface Summary {
  total: number;
  /** Interrupted items whose task exists on the server (the rest never started). */
  still_running: number;
  saved: number;
  skipped: number;
  failed: number;
  interrupted: number;
  cancelled: number;
  tasks_created: number;
  /** Sum of usage.cost, USD, summed in millionths so that 0.1 + 0.2 stays 0.3. */
  cost_usd: string;
  /** Tasks this run created (and paid for) whose cost is not known: not saved (failed, still running), or no sane usage.cost. Not in cost_usd. */
  cost_unknown: number;
  wall_ms: number;
  /** --budget, USD; null without one. */
  budget_usd: string | null;
  /** What the run spent against --budget: real costs, and estimates where a cost is unknown; null without a budget. */
  spent_usd: string | null;
  /** Tasks in spent_usd at their estimated price, their real cost being unknown (failed, still running). */
  spent_estimated_tasks: number;
  /** Items --budget held back (status cancelled, error code budget). */
  not_started_budget: number;
}

/** --budget and the spend counted against it (micro-dollars). */
export interface SpendSummary {
  readonly limitMicro: number;
  readonly spentMicro: number;
  /** Tasks counted at their estimate because their real cost is not known. */
  readonly estimatedTasks: number;
}

export function summarize(results: readonly ItemResult[], wallMs: number, spend: SpendSummary | null = null): Summary {
  const count = (status: ItemResult['status']) => results.filter((result) => result.status === status).length;
  const micro = results.reduce((sum, result) => sum + (result.cost && result.created ? Math.round(Number(result.cost) * 1e6) || 0 : 0), 0);
  return {
    total: results.length,
    saved: count('saved'),
    skipped: count('skipped'),
    failed: count('failed'),
    interrupted: count('interrupted'),
    cancelled: count('cancelled'),
    tasks_created: results.filter((result) => result.created).length,
    still_running: results.filter((result) => result.status === 'interrupted' && result.task_id !== null).length,
    cost_usd: (micro / 1e6).toFixed(4),
    cost_unknown: results.filter((result) => result.created && !(result.cost && Number.isFinite(Number(result.cost)))).length,
    wall_ms: Math.round(wallMs),
    budget_usd: spend ? usd(spend.limitMicro) : null,
    spent_usd: spend ? usd(spend.spentMicro) : null,
    spent_estimated_tasks: spend?.estimatedTasks ?? 0,
    not_started_budget: results.filter((result) => result.status === 'cancelled' && result.error?.code === 'budget').length,
  };
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function describeSummary(summary: Summary, run: { readonly offline: boolean } = { offline: false }): string {
  const parts = [`saved ${summary.saved}`];
  if (summary.skipped) parts.push(`skipped ${summary.skipped}`);
  parts.push(`failed ${summary.failed}`);
  if (summary.interrupted) {
    const running = summary.still_running;
    // An --offline run's emulator ends with it: its tasks are gone, not waiting to be collected.
    if (running) parts.push(`interrupted ${running} (${run.offline ? 'stopped with the offline emulator' : 'still running on the server'})`);
    if (summary.interrupted > running) parts.push(`not started ${summary.interrupted - running}`);
  }
  if (summary.cancelled > summary.not_started_budget) parts.push(`not started ${summary.cancelled - summary.not_started_budget}`);
  if (summary.not_started_budget) parts.push(`not started ${summary.not_started_budget} (budget)`);
  const tasks = `${summary.tasks_created} task${summary.tasks_created === 1 ? '' : 's'} created`;
  const unknown = summary.cost_unknown ? ` (+ ${summary.cost_unknown} of unknown cost)` : '';
  const estimated = summary.spent_estimated_tasks
    ? ` (${summary.spent_estimated_tasks} task${summary.spent_estimated_tasks === 1 ? '' : 's'} at the estimated price)`
    : '';
  const budget =
    summary.budget_usd === null
      ? ''
      : summary.spent_usd === summary.cost_usd
        ? ` of the $${summary.budget_usd} budget`
        : `; $${summary.spent_usd}${estimated} counted against the $${summary.budget_usd} budget`;
  return `${parts.join(', ')} · ${tasks} · $${summary.cost_usd}${unknown}${budget} · ${formatDuration(summary.wall_ms)}`;
}
