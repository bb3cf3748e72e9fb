import { existsSync } from 'node:fs';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { chooseLedger } from '../../cmdutil/ledger-choice.js';
import { urlWithoutPassword } from '../../core/secrets.js';
import { isPostgresUrl } from '../../engine/ledger-location.js';
import { engineFor } from '../../cmdutil/engine.js';
import { palette } from '../../terminal/colors.js';
import type { HistoryOptions } from './define.js';
import { historyFilter } from './filter.js';
import { historyJsonLine, historyTable, totalCost, totalLine } from './render.js';

/** --offline runs keep their tasks in memory: said wherever a person may look for them. */
const OFFLINE_NOTE = 'runs with --offline are not recorded: their tasks end with the run';

export async function runHistory(options: HistoryOptions, context: CommandContext): Promise<number> {
  const { io, clock } = context;
  const filter = historyFilter(options, clock.now());
  // --ledger, SPARK_STYLE_LEDGER, the config's `ledger`, else ledger.db beside the config.
  const { location } = chooseLedger(context.ledger, io);
  const shared = isPostgresUrl(location);
  // Reading history must not create a ledger: no file simply means no tasks yet.
  const { client } = await engineFor(context, {}, { readConfig: false });
  const rows = await client.history(filter);
  await client.close();
  const json = options.json === true || !io.stdoutIsTTY;
  const total = totalLine(totalCost(rows));
  if (rows.length === 0) {
    // Said on stderr either way: a pipe or --json gets an empty stdout, not a "total over 0 rows".
    const known = shared || existsSync(location);
    io.info(`${known ? 'no tasks match' : `no tasks recorded yet (the ledger will be ${urlWithoutPassword(location)})`}; ${OFFLINE_NOTE}`);
    return ExitCode.OK;
  }
  if (json) {
    for (const row of rows) io.print(historyJsonLine(row));
    // Commentary goes to stderr: stdout stays one task object per line for jq.
    io.info(total);
    return ExitCode.OK;
  }
  const paint = palette(io.colorEnabled);
  // A fleet's ledger: which worker made each task is worth a column.
  for (const line of historyTable(rows, shared)) io.print(line);
  io.print(total);
  const unknown = rows.filter((row) => row.status === 'unknown').length;
  if (unknown > 0) {
    io.info(paint.warn(`${unknown} task${unknown === 1 ? '' : 's'} with an unknown outcome: check them in the Vtrix console before running again`));
  }
  return ExitCode.OK;
}
