import type { SessionAllowance } from '../session/allowance.js';
import { microToUsd } from '../session/usd.js';

/** The session's money and task count, as every paying tool reports it. */
export function sessionView(allowance: SessionAllowance): {
  spent_usd: string;
  budget_left_usd: string | null;
  tasks_created: number;
  tasks_left: number | null;
} {
  const left = allowance.budgetLeftMicro;
  return {
    spent_usd: microToUsd(allowance.spentMicro),
    budget_left_usd: left === null ? null : microToUsd(left),
    tasks_created: allowance.tasksCreated,
    tasks_left: allowance.tasksLeft,
  };
}
