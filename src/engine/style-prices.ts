import { existsSync } from 'node:fs';
import type { Clock } from '../core/clock.js';
import { ledgerPath } from '../config/paths.js';
import { SqliteLedger } from '../ledger/sqlite-ledger.js';
import type { PriceBasis } from './types.js';
import { priceBookFromLedger } from '../runner/prices.js';

export interface StylePrice {
  /** USD, as the ledger's costs say (never invented); null: not known yet. */
  readonly micro: number | null;
  readonly basis: PriceBasis | null;
}

/**
 * Each style's expected price from the ledger's recent tasks, the same estimate --budget and
 * --dry-run use. Loaded only when a ledger exists: `styles` on a fresh machine stays as fast as
 * bare node, and reading prices never creates a ledger.
 */
export async function stylePrices(aliases: readonly string[], env: NodeJS.ProcessEnv, clock: Clock): Promise<Map<string, StylePrice> | null> {
  const path = ledgerPath(env);
  if (!existsSync(path)) return null;
  const ledger = SqliteLedger.open(path, clock);
  try {
    const book = await priceBookFromLedger(ledger);
    return new Map(aliases.map((alias) => [alias, book.estimate(alias)]));
  } finally {
    await ledger.close();
  }
}
