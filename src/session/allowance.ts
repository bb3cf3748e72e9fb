/**
 * What a long-lived session (the MCP server, a watch) may still spend and create, across all
 * the runs it starts: `--budget` and `--max-tasks` cap the whole session, not each run.
 *
 * Runs take turns (`turn()`): each run gets what is left at its start as its own budget and
 * task cap, and what it really spent is counted when it ends. One run at a time is what makes
 * the cap hold without guessing: the engine's own budget guard keeps each run under what it
 * was given, and nothing else spends meanwhile.
 */
export interface AllowanceLimits {
  /** Micro-dollars for the whole session, or null for no cap. */
  readonly budgetMicro: number | null;
  /** Tasks the session may create, or null for no cap. */
  readonly maxTasks: number | null;
}

export interface Turn {
  /** What this run may spend (micro-dollars), or null for no cap. */
  readonly budgetMicro: number | null;
  /** Tasks this run may create, or null for no cap. */
  readonly maxTasks: number | null;
  /** Counts what the run really did; the next run's turn starts after this. */
  end(used: { spentMicro: number; tasksCreated: number }): void;
}

export class SessionAllowance {
  #spentMicro = 0;
  #tasksCreated = 0;
  #queue: Promise<void> = Promise.resolve();

  constructor(readonly limits: AllowanceLimits) {}

  get spentMicro(): number {
    return this.#spentMicro;
  }

  get tasksCreated(): number {
    return this.#tasksCreated;
  }

  /** What is left of the session's budget (micro-dollars), or null for no cap. */
  get budgetLeftMicro(): number | null {
    return this.limits.budgetMicro === null ? null : Math.max(0, this.limits.budgetMicro - this.#spentMicro);
  }

  get tasksLeft(): number | null {
    return this.limits.maxTasks === null ? null : Math.max(0, this.limits.maxTasks - this.#tasksCreated);
  }

  /**
   * Waits for the runs before it to end, then hands out what is left; `callCapMicro` (a call's
   * own max_cost) lowers this run's budget below the session's, never above.
   */
  async turn(callCapMicro: number | null = null): Promise<Turn> {
    let release!: () => void;
    const previous = this.#queue;
    this.#queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    const left = this.budgetLeftMicro;
    const budgetMicro = left === null ? callCapMicro : callCapMicro === null ? left : Math.min(left, callCapMicro);
    let ended = false;
    return {
      budgetMicro,
      maxTasks: this.tasksLeft,
      end: ({ spentMicro, tasksCreated }) => {
        if (ended) return;
        ended = true;
        this.#spentMicro += spentMicro;
        this.#tasksCreated += tasksCreated;
        release();
      },
    };
  }
}
