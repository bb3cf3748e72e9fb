import { InterruptedError } from '../core/errors.js';
import { formatUsd, median, type MicroUsd } from '../core/money.js';

export { formatUsd, median, parseUsd, type MicroUsd } from '../core/money.js';

/**
 * `--budget`: a run never starts a task that could take its spend over the budget. Money is
 * counted in whole micro-dollars so that thirty tasks at $0.03 add up to exactly $0.90.
 *
 * What a task will cost is known only after it completes (`usage.cost`), so a task is
 * reserved at its estimated price when it is created and charged at its real cost when it
 * ends. Without any estimate yet, one task is created alone and all others wait for its cost:
 * the first price is learned, never guessed. When that task completes and the service reports
 * no usable cost, the price can never be learned, so nothing more is created (the cap would
 * otherwise count every task at $0). When a style turns out dearer than estimated, the tasks
 * of it still in flight are re-reserved at the new price: the cap holds at the estimated
 * price, and a price rise overshoots by at most the tasks already in flight when it shows.
 */

export interface Reservation {
  readonly style: string;
  /** null: the price was not known when the task was created. */
  readonly estimate: MicroUsd | null;
}

/** The price of a style before this run learns one (the ledger's median); null when never seen. */
export type PriceLookup = (style: string) => MicroUsd | null;

export class SpendBudget {
  private spentMicro: MicroUsd = 0;
  private reservedMicro: MicroUsd = 0;
  private readonly learned = new Map<string, MicroUsd>();
  /** Tasks created without any price known (at most one: it is the one that tells the price). */
  private unpricedInFlight = 0;
  private waiters: Array<() => void> = [];
  private chargedAtEstimate = 0;
  /** What each task in flight is held at: its estimate, raised when its style proves dearer. */
  private readonly held = new Map<Reservation, MicroUsd>();
  /** The first task completed and the service reported no usable cost: no price will be learned. */
  private noCostReported = false;

  constructor(
    readonly limit: MicroUsd,
    private readonly knownPrice: PriceLookup,
  ) {}

  /** The money spent so far (charged tasks, and tasks left running at their estimate). */
  get spent(): MicroUsd {
    return this.spentMicro;
  }

  /** Spent, plus the tasks in flight at their estimate. */
  get committed(): MicroUsd {
    return this.spentMicro + this.reservedMicro;
  }

  /** Tasks charged without a known cost (failed, left running, an odd usage.cost): counted at their estimate. */
  get estimatedTasks(): number {
    return this.chargedAtEstimate;
  }

  /** True once a task created without any known price completed with no usable cost: nothing more is started. */
  get costUnreported(): boolean {
    return this.noCostReported;
  }

  /** Why reserve() refused a task of this style (the item's message). */
  refusal(style: string): string {
    if (this.noCostReported) return `not started: ${NO_COST_REASON}`;
    const price = this.priceOf(style);
    return (
      `not started: it could take the run over --budget ${formatUsd(this.limit)} ` +
      `(${formatUsd(this.committed)} spent or in flight${price === null ? '' : `, about ${formatUsd(price)} a task`})`
    );
  }

  /** The price this run would expect for a style: learned in this run, else from history. */
  priceOf(style: string): MicroUsd | null {
    return this.learned.get(style) ?? this.knownPrice(style) ?? median([...this.learned.values()]);
  }

  /**
   * Called right before a create. Resolves to a reservation, or null when the task could
   * take the run over its budget (the item is then not started). Waits, when the price is
   * still unknown, for the one task that will tell it, and when the task would fit only if
   * those in flight cost less than estimated, for them to end.
   */
  async reserve(style: string, signal?: AbortSignal): Promise<Reservation | null> {
    for (;;) {
      if (signal?.aborted) throw new InterruptedError();
      const price = this.priceOf(style);
      if (price !== null) {
        if (this.spentMicro + this.reservedMicro + price <= this.limit) {
          this.reservedMicro += price;
          const reservation = { style, estimate: price };
          this.held.set(reservation, price);
          return reservation;
        }
        if (this.spentMicro + price > this.limit) return null;
        // It fits unless the tasks in flight cost what they are estimated at: they may cost
        // less (the first of a style whose price changed), so wait for them before giving up.
        await this.nextChange(signal);
        continue;
      }
      if (this.noCostReported || this.spentMicro + this.reservedMicro >= this.limit) return null;
      // No price at all (none in the ledger, none learned: any learned price prices every
      // style): one task, of whatever style, goes alone; everything else waits for its cost.
      if (this.unpricedInFlight === 0) {
        this.unpricedInFlight++;
        return { style, estimate: null };
      }
      await this.nextChange(signal);
    }
  }

  /**
   * The task ended. `cost` is what it really cost, or null when that is not known (a failed
   * task, an odd `usage.cost`, a task left running): then the estimate counts as spent, so
   * that the budget errs on the side of spending less. `completed`: the task finished and
   * was saved, so a null cost means the service did not report one (not that the task failed):
   * for the task that was to tell the price, that ends all further creates.
   */
  charge(reservation: Reservation, cost: MicroUsd | null, completed = false): void {
    const held = this.letGo(reservation);
    if (cost !== null) {
      this.learned.set(reservation.style, cost);
      this.reReserve(reservation.style, cost);
    } else {
      this.chargedAtEstimate++;
      if (completed && reservation.estimate === null && this.priceOf(reservation.style) === null) this.noCostReported = true;
    }
    this.spentMicro += cost ?? held ?? 0;
    this.wakeWaiters();
  }

  /** No task was created after all (refused before sending, or proven never sent): nothing spent. */
  release(reservation: Reservation): void {
    this.letGo(reservation);
    this.wakeWaiters();
  }

  /** Takes a reservation off the books; returns what it was held at (null: an unpriced one). */
  private letGo(reservation: Reservation): MicroUsd | null {
    if (reservation.estimate === null) {
      this.unpricedInFlight--;
      return null;
    }
    const held = this.held.get(reservation) ?? reservation.estimate;
    this.held.delete(reservation);
    this.reservedMicro -= held;
    return held;
  }

  /** A style cost more than its tasks in flight were reserved at: hold them at the real price. */
  private reReserve(style: string, cost: MicroUsd): void {
    for (const [other, held] of this.held) {
      if (other.style !== style || held >= cost) continue;
      this.held.set(other, cost);
      this.reservedMicro += cost - held;
    }
  }

  private nextChange(signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(new InterruptedError());
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
    });
  }

  private wakeWaiters(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const wake of waiting) wake();
  }
}

const NO_COST_REASON = 'the service reported no cost for the first task, so --budget cannot be kept; run without --budget or with --max-tasks';
