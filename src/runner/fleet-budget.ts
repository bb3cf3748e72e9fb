import { createHash } from 'node:crypto';
import type { Clock } from '../core/clock.js';
import type { Ledger, SharedSpend } from '../ledger/ledger.js';
import type { PlannedItem } from './plan.js';
import { priceBookFromLedger } from './prices.js';
import { formatUsd, type MicroUsd, type PriceLookup, type Reservation, SpendBudget } from './budget.js';

/** How often a worker asks again when the fleet's budget says "wait" (tasks in flight may cost less). */
const FLEET_RECHECK_MS = 500;

/**
 * --budget with a shared ledger: the fleet's total, not each worker's. Every task is reserved
 * twice: in this worker's SpendBudget (which keeps its own rules: one unpriced task at a
 * time, re-reserving when a price rises), then in the database, in the transaction that adds
 * up what the whole fleet has committed (SharedSpend). Whichever says no, the task is not
 * started. Settling and releasing go to both; the database's writes are awaited by flush().
 */
export class FleetBudget extends SpendBudget {
  private readonly ids = new Map<Reservation, number>();
  private readonly writes: Promise<unknown>[] = [];
  private fleetCommitted: MicroUsd | null = null;

  constructor(
    limit: MicroUsd,
    knownPrice: PriceLookup,
    private readonly store: SharedSpend,
    /** The fleet's job: workers given the same inputs and the same --budget share it. */
    private readonly scope: string,
    private readonly clock: Clock,
  ) {
    super(limit, knownPrice);
  }

  override async reserve(style: string, signal?: AbortSignal): Promise<Reservation | null> {
    for (;;) {
      const local = await super.reserve(style, signal);
      if (local === null) return null;
      const answer = await this.store.reserve(this.scope, style, local.estimate, this.limit);
      if (answer.kind === 'reserved') {
        this.ids.set(local, answer.id);
        return local;
      }
      super.release(local);
      if (answer.kind === 'over') {
        this.fleetCommitted = answer.committedMicro;
        return null;
      }
      await this.clock.sleep(FLEET_RECHECK_MS, signal);
    }
  }

  override refusal(style: string): string {
    if (this.fleetCommitted === null || this.costUnreported) return super.refusal(style);
    return `not started: it could take the fleet over --budget ${formatUsd(this.limit)} (${formatUsd(this.fleetCommitted)} spent or in flight across all workers)`;
  }

  override charge(reservation: Reservation, cost: MicroUsd | null, completed = false): void {
    super.charge(reservation, cost, completed);
    const id = this.take(reservation);
    if (id === null) return;
    // An unpriced task that failed tells no price and may not have been charged: let it go.
    if (cost === null && reservation.estimate === null && !completed) this.track(this.store.release(id));
    else this.track(this.store.settle(id, cost));
  }

  override release(reservation: Reservation): void {
    super.release(reservation);
    const id = this.take(reservation);
    if (id !== null) this.track(this.store.release(id));
  }

  /** Waits for every settle and release to reach the database (before the ledger closes). */
  async flush(): Promise<void> {
    await Promise.allSettled(this.writes.splice(0));
  }

  private take(reservation: Reservation): number | null {
    const id = this.ids.get(reservation);
    this.ids.delete(reservation);
    return id ?? null;
  }

  private track(write: Promise<unknown>): void {
    // A write that fails leaves the task counted at its estimate: the budget errs on the side of spending less.
    this.writes.push(write.catch(() => undefined));
  }
}

/**
 * --budget: this run's, or with a shared ledger the fleet's, counted in the database. The
 * fleet's job is named by its inputs and its budget: workers started with the same ones share it.
 */
export async function budgetFor(limitMicro: MicroUsd, ledger: Ledger, items: readonly PlannedItem[], clock: Clock): Promise<SpendBudget> {
  const prices = (await priceBookFromLedger(ledger)).lookup;
  const shared = ledger.sharedSpend();
  if (shared === null) return new SpendBudget(limitMicro, prices);
  const job = createHash('sha256')
    .update(JSON.stringify([limitMicro, items.map((item) => [item.input, item.style.alias]).sort()]))
    .digest('hex');
  return new FleetBudget(limitMicro, prices, shared, `budget:${job}`, clock);
}
