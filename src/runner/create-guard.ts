import { parseUsd, type Reservation, type SpendBudget } from './budget.js';
import type { TaskQuota } from './task-quota.js';

/** A create let through: what it holds of the budget and of the task quota until its task ends. */
export interface CreateHold {
  readonly reservation: Reservation | null;
  readonly counted: boolean;
}

/** Why a create was not let through: the item is cancelled (not started) with this code and message. */
export interface CreateRefusal {
  readonly code: 'budget' | 'max-tasks';
  readonly message: string;
}

/**
 * The one guard every create passes (--budget and --max-tasks together): `admit` before the
 * create is sent, `giveBack` when the create proved nothing was created, `charge` when its
 * task ends (the real cost, or the estimate for one that failed, was left running or gave no
 * sane cost). Without either option it lets everything through and holds nothing.
 */
export class CreateGuard {
  constructor(
    private readonly budget: SpendBudget | undefined,
    private readonly quota: TaskQuota | undefined,
  ) {}

  async admit(style: string, signal: AbortSignal): Promise<CreateHold | CreateRefusal> {
    const reservation = this.budget ? await this.budget.reserve(style, signal) : null;
    if (this.budget && reservation === null) return { code: 'budget', message: this.budget.refusal(style) };
    if (this.quota && !this.quota.take()) {
      if (reservation) this.budget!.release(reservation);
      const limit = this.quota.limit;
      return { code: 'max-tasks', message: `not started: the run already created --max-tasks ${limit} task${limit === 1 ? '' : 's'}` };
    }
    return { reservation, counted: this.quota !== undefined };
  }

  /** The create proved nothing was created: its money and its place in the quota go back. */
  giveBack(hold: CreateHold): void {
    if (hold.reservation) this.budget!.release(hold.reservation);
    if (hold.counted) this.quota!.giveBack();
  }

  /** The task ended: counted at its cost when known (`costKnown`), else at its estimate. */
  charge(hold: CreateHold, cost: string | null, costKnown: boolean): void {
    if (hold.reservation) this.budget!.charge(hold.reservation, costKnown ? parseUsd(cost) : null, costKnown);
  }
}

export function isRefusal(admitted: CreateHold | CreateRefusal): admitted is CreateRefusal {
  return 'code' in admitted;
}
