import type { StylePrice } from '../../engine/style-prices.js';

/** Prices by alias from the ledger, or null: no ledger yet. */
export type KnownPrices = ReadonlyMap<string, StylePrice> | null;

/** "$0.0300" from the style's own tasks, "~$0.0300" borrowed from all styles' median, "-" not known. */
export function describePrice(price: StylePrice | undefined): string {
  if (!price || price.micro === null) return '-';
  return `${price.basis === 'all-styles' ? '~' : ''}$${(price.micro / 1e6).toFixed(4)}`;
}

/** Under the table, on stderr: where the prices come from, or where to look when none is known. */
export function PRICE_HELP(prices: KnownPrices): string {
  const known = prices !== null && [...prices.values()].some((price) => price.micro !== null);
  if (known) return "price: the median cost of each style's recent tasks in your task ledger (~: the median over all styles, this one not used lately)";
  return 'price: not known yet (no task with a cost in your task ledger): the Vtrix console lists the prices; with --budget, a run creates one task first and waits for its cost before starting more';
}
