import { InterruptedError } from '../core/errors.js';

/**
 * `--budget`: a run never starts a task that could take its spend over the budget. Money is
 * counted in whole micro-dollars so that thirty tasks at $0.03 add up to exactly $0.90.
 *
 * What a task will cost is known only after it completes (`usage.cost`), so a task is
 * reserved at its estimated price when it is created and settled at its real cost when it
 * ends. Without any estimate yet, one task is created alone and all others wait for its cost:
 * the first price is learned, never guessed.
 */
export type MicroUsd = number;

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
  private settledAtEstimate = 0;

  constructor(
    readonly limit: MicroUsd,
    private readonly knownPrice: PriceLookup,
  ) {}

  /** The money spent so far (settled tasks, and tasks left running at their estimate). */
  get spent(): MicroUsd {
    return this.spentMicro;
  }

  /** Spent, plus the tasks in flight at their estimate. */
  get committed(): MicroUsd {
    return this.spentMicro + this.reservedMicro;
  }

  /** Tasks settled without a known cost (failed, left running, an odd usage.cost): counted at their estimate. */
  get estimatedTasks(): number {
    return this.settledAtEstimate;
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
          return { style, estimate: price };
        }
        if (this.spentMicro + price > this.limit) return null;
        // It fits unless the tasks in flight cost what they are estimated at: they may cost
        // less (the first of a style whose price changed), so wait for them before giving up.
        await this.nextChange(signal);
        continue;
      }
      if (this.spentMicro + this.reservedMicro >= this.limit) return null;
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
   * that the budget errs on the side of spending less.
   */
  settle(reservation: Reservation, cost: MicroUsd | null): void {
    if (reservation.estimate !== null) this.reservedMicro -= reservation.estimate;
    else this.unpricedInFlight--;
    if (cost !== null) this.learned.set(reservation.style, cost);
    else this.settledAtEstimate++;
    this.spentMicro += cost ?? reservation.estimate ?? 0;
    this.wakeWaiters();
  }

  /** No task was created after all (refused before sending, or proven never sent): nothing spent. */
  release(reservation: Reservation): void {
    if (reservation.estimate !== null) this.reservedMicro -= reservation.estimate;
    else this.unpricedInFlight--;
    this.wakeWaiters();
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

/** "0.0300" -> 30000; anything that is not a sane, non-negative decimal -> null. */
export function parseUsd(text: string | null | undefined): MicroUsd | null {
  if (typeof text !== 'string' || !/^\s*\d{1,9}(\.\d{1,12})?\s*$/.test(text)) return null;
  return Math.round(Number(text) * 1_000_000);
}

/** 30000 -> "0.0300": machine-readable amounts (--json), the way usage.cost is written. */
export function usdAmount(micro: MicroUsd): string {
  return (micro / 1_000_000).toFixed(4);
}

/** 30000 -> "$0.03"; sub-cent amounts keep their digits ("$0.0035"). */
export function formatUsd(micro: MicroUsd): string {
  const dollars = micro / 1_000_000;
  const text = dollars.toFixed(4).replace(/(\.\d\d\d*?)0+$/, '$1');
  return `$${text}`;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}
