import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { STYLES } from '../../catalog/styles.js';
import { describeCommand } from '../../cmdutil/help.js';
import { existsSync } from 'node:fs';
import { ledgerPath } from '../../config/paths.js';
// Static on purpose: `styles` must start as fast as bare node, and the catalog is a few KB.
import { runStyles } from './run.js';

async function loadPrices(context: CommandContext) {
  const { stylePrices } = await import('../../engine/style-prices.js');
  return stylePrices(
    STYLES.map((style) => style.alias),
    context.io.env,
    context.clock,
  );
}

export interface StylesOptions {
  json?: boolean;
  quiet?: boolean;
}

export function defineStyles(program: Command, context: CommandContext): void {
  const command = program
    .command('styles')
    .description(`list the ${STYLES.length} styles: alias, name, req_key, sub_req_key, and the price your recent tasks paid`)
    .option('--json', 'print a JSON array of {alias, name, req_key, sub_req_key, price_usd, price_basis}')
    .option('-q, --quiet', 'print the aliases only, one per line')
    .action(async (options: StylesOptions) => {
      // Prices need the ledger (libsql): loaded only when one exists and prices are shown.
      const prices = options.quiet || !existsSync(ledgerPath(context.io.env)) ? null : await loadPrices(context);
      context.exitCode = runStyles(options, context.io, prices);
    });
  describeCommand(command, ['spark-style styles', 'spark-style styles --json', 'spark-style styles --quiet | fzf']);
}
