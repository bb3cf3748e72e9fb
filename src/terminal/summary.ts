import type { RunSummary } from '../engine/types.js';

/** The run's summary, as the engine gives it; here is how it reads for people. */
export type Summary = RunSummary;

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
  // The emulator charges nothing: "$0.0000 (+ 4 of unknown cost)" would make a free run sound like a bill.
  const cost = run.offline ? 'free (offline)' : `$${summary.cost_usd}${unknown}${budget}`;
  return `${parts.join(', ')} · ${tasks} · ${cost} · ${formatDuration(summary.wall_ms)}`;
}
