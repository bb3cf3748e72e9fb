import type { Ledger } from '../ledger/ledger.js';
import { median, type MicroUsd } from '../core/money.js';
import type { PriceLookup } from './budget.js';

/**
 * Where a style's expected price comes from: the median `usage.cost` of its own recent saved
 * tasks, else the median over every style (the API has one price list; a style never used here is
 * most likely priced like the others), else nothing: the price is not known yet.
 */
type PriceBasis = 'style' | 'all-styles';

interface PriceEstimate {
  readonly micro: MicroUsd | null;
  readonly basis: PriceBasis | null;
}

export interface PriceBook {
  estimate(style: string): PriceEstimate;
  /** For SpendBudget: the estimate alone. */
  readonly lookup: PriceLookup;
}

/**
 * How many recent tasks the prices are read from: enough for a stable median of every style in
 * use, few enough that a ledger of 300,000 tasks answers in milliseconds, and recent, so a
 * price change shows up.
 */
export const PRICE_SAMPLE = 2000;

/** Prices from the newest saved tasks of the ledger, read once. */
export async function priceBookFromLedger(ledger: Pick<Ledger, 'recentCosts'>): Promise<PriceBook> {
  const costs = (await ledger.recentCosts(PRICE_SAMPLE)).map(({ style, cost }) => ({ style, micro: Math.round(cost * 1_000_000) }));
  const grouped = new Map<string, MicroUsd[]>();
  for (const { style, micro } of costs) grouped.set(style, [...(grouped.get(style) ?? []), micro]);
  const byStyle = new Map([...grouped].map(([style, values]) => [style, median(values)!]));
  const overall = median(costs.map(({ micro }) => micro));
  const estimate = (style: string): PriceEstimate => {
    const own = byStyle.get(style);
    if (own !== undefined) return { micro: own, basis: 'style' };
    return overall !== null ? { micro: overall, basis: 'all-styles' } : { micro: null, basis: null };
  };
  return { estimate, lookup: (style) => estimate(style).micro };
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
