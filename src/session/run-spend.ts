import type { RunResult } from '../engine/types.js';
import { usdToMicro } from './usd.js';

/** What one run took from a session's allowance: the tasks it created and what they cost. */
export function spendOf(result: Pick<RunResult, 'items' | 'summary'>): { spentMicro: number; tasksCreated: number; heldBack: number } {
  const created = result.items.filter((item) => item.created);
  const reported = created.reduce((sum, item) => sum + (usdToMicro(item.cost) ?? 0), 0);
  const heldBack = result.items.filter((item) => item.status === 'cancelled' && (item.error?.code === 'budget' || item.error?.code === 'max-tasks')).length;
  // The engine's guard counts a task whose cost was not reported at its expected price: so do we.
  return { spentMicro: Math.max(reported, usdToMicro(result.summary.spent_usd) ?? 0), tasksCreated: created.length, heldBack };
}
