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
  /** Saved results whose task reported no sane usage.cost: not in cost_usd. */
  cost_unknown: number;
  wall_ms: number;
}

export function summarize(results: readonly ItemResult[], wallMs: number): Summary {
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
    cost_unknown: results.filter((result) => result.created && result.status === 'saved' && result.cost === null).length,
    wall_ms: Math.round(wallMs),
  };
}

export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

export function describeSummary(summary: Summary): string {
  const parts = [`saved ${summary.saved}`];
  if (summary.skipped) parts.push(`skipped ${summary.skipped}`);
  parts.push(`failed ${summary.failed}`);
  if (summary.interrupted) {
    const running = summary.still_running;
    if (running) parts.push(`interrupted ${running} (still running on the server)`);
    if (summary.interrupted > running) parts.push(`not started ${summary.interrupted - running}`);
  }
  if (summary.cancelled) parts.push(`not started ${summary.cancelled}`);
  const tasks = `${summary.tasks_created} task${summary.tasks_created === 1 ? '' : 's'} created`;
  const unknown = summary.cost_unknown ? ` (+ ${summary.cost_unknown} of unknown cost)` : '';
  return `${parts.join(', ')} · ${tasks} · $${summary.cost_usd}${unknown} · ${formatDuration(summary.wall_ms)}`;
}
