import { STYLES } from '../../catalog/styles.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import type { IO } from '../../terminal/io.js';
import { renderTable } from '../../terminal/table.js';
import type { StylesOptions } from './define.js';

export function runStyles(options: StylesOptions, io: IO): number {
  if (options.json) {
    const rows = STYLES.map((style) => ({ alias: style.alias, name: style.name, req_key: style.reqKey, sub_req_key: style.subReqKey }));
    io.print(JSON.stringify(rows, null, 2));
  } else if (options.quiet) {
    for (const style of STYLES) io.print(style.alias);
  } else {
    const rows = STYLES.map((style) => [style.alias, style.name, style.reqKey, style.subReqKey ?? '-']);
    for (const line of renderTable(['alias', 'name', 'req_key', 'sub_req_key'], rows, io.stdoutIsTTY)) io.print(line);
    if (io.stdoutIsTTY) io.print('\nUse: spark-style stylize <photo> --style <alias>');
  }
  return ExitCode.OK;
}
