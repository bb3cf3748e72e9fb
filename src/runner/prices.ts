import type { Ledger } from '../ledger/ledger.js';
import type { MicroUsd, PriceLookup } from './budget.js';

/**
 * Where a style's expected price comes from: the median `usage.cost` of its own saved tasks,
 * else the median over every style (the API has one price list; a style never used here is
 * most likely priced like the others), else nothing: the price is not known yet.
 */
export type PriceBasis = 'style' | 'all-styles';

export interface PriceEstimate {
  readonly micro: MicroUsd | null;
  readonly basis: PriceBasis | null;
}

export interface PriceBook {
  estimate(style: string): PriceEstimate;
  /** For SpendBudget: the estimate alone. */
  readonly lookup: PriceLookup;
}

/** Reads the ledger once per style (medians over months of history are an indexed query, not free). */
export function priceBookFromLedger(ledger: Pick<Ledger, 'medianCost'>): PriceBook {
  const known = new Map<string, PriceEstimate>();
  let overall: MicroUsd | null | undefined;
  const estimate = (style: string): PriceEstimate => {
    const cached = known.get(style);
    if (cached) return cached;
    const own = toMicro(ledger.medianCost(style));
    if (own === null && overall === undefined) overall = toMicro(ledger.medianCost());
    const found: PriceEstimate = own !== null ? { micro: own, basis: 'style' } : overall != null ? { micro: overall, basis: 'all-styles' } : { micro: null, basis: null };
    known.set(style, found);
    return found;
  };
  return { estimate, lookup: (style) => estimate(style).micro };
}

function toMicro(dollars: number | null): MicroUsd | null {
  return dollars === null || !Number.isFinite(dollars) ? null : Math.round(dollars * 1_000_000);
}

/** What a plan would cost: the sum of each task's estimate, or null when any price is unknown. */
export interface CostForecast {
  readonly expectedMicro: MicroUsd | null;
  /** 'style' when every style has its own history, 'all-styles' when one borrows the overall median. */
  readonly basis: PriceBasis | null;
  /** Per style to be created, its price (null: not known yet). */
  readonly prices: ReadonlyMap<string, MicroUsd | null>;
  /** With a budget: how many of the tasks fit it at these prices (null: a price is unknown). */
  readonly fitting: number | null;
}

/**
 * `styles`: the style of each task to create, in the run's order. Fitting follows the run:
 * a task that would cross the budget is left out, a cheaper one after it may still go.
 */
export function forecastCost(styles: readonly string[], book: PriceBook, budget: MicroUsd | null): CostForecast {
  const prices = new Map<string, MicroUsd | null>();
  let basis: PriceBasis | null = 'style';
  for (const style of new Set(styles)) {
    const { micro, basis: own } = book.estimate(style);
    prices.set(style, micro);
    if (micro === null) basis = null;
    else if (own === 'all-styles' && basis !== null) basis = 'all-styles';
  }
  if (styles.length === 0) return { expectedMicro: 0, basis: null, prices, fitting: budget === null ? null : 0 };
  if (basis === null) return { expectedMicro: null, basis: null, prices, fitting: null };
  let expected = 0;
  let spent = 0;
  let fitting = 0;
  for (const style of styles) {
    const price = prices.get(style)!;
    expected += price;
    if (budget !== null && spent + price <= budget) {
      spent += price;
      fitting++;
    }
  }
  return { expectedMicro: expected, basis, prices, fitting: budget === null ? null : fitting };
}
