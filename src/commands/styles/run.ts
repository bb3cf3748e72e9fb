import { STYLES } from '../../catalog/styles.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import type { IO } from '../../terminal/io.js';
import { renderTable } from '../../terminal/table.js';
import type { StylesOptions } from './define.js';
import { describePrice, PRICE_HELP, type KnownPrices } from './price-text.js';

export function runStyles(options: StylesOptions, io: IO, prices: KnownPrices = null): number {
  if (options.json) {
    const rows = STYLES.map((style) => {
      const price = prices?.get(style.alias);
      return {
        alias: style.alias,
        name: style.name,
        req_key: style.reqKey,
        sub_req_key: style.subReqKey,
        price_usd: price?.micro == null ? null : (price.micro / 1e6).toFixed(4),
        price_basis: price?.micro == null ? null : price.basis,
      };
    });
    io.print(JSON.stringify(rows, null, 2));
  } else if (options.quiet) {
    for (const style of STYLES) io.print(style.alias);
  } else {
    const rows = STYLES.map((style) => [style.alias, style.name, style.reqKey, style.subReqKey ?? '-', describePrice(prices?.get(style.alias))]);
    for (const line of renderTable(['alias', 'name', 'req_key', 'sub_req_key', 'price'], rows, io.stdoutIsTTY)) io.print(line);
    if (io.stdoutIsTTY) io.print('\nUse: spark-style stylize <photo> --style <alias>');
    io.info(PRICE_HELP(prices));
  }
  return ExitCode.OK;
}
