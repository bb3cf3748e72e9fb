import { existsSync } from 'node:fs';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { ledgerPath } from '../../config/paths.js';
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
  const path = ledgerPath(io.env);
  // Reading history must not create a ledger: no file simply means no tasks yet.
  const { client } = await engineFor(context, {}, { readConfig: false });
  const rows = await client.history(filter);
  await client.close();
  const json = options.json === true || !io.stdoutIsTTY;
  const total = totalLine(totalCost(rows));
  if (rows.length === 0) {
    // Said on stderr either way: a pipe or --json gets an empty stdout, not a "total over 0 rows".
    io.info(`${existsSync(path) ? 'no tasks match' : `no tasks recorded yet (the ledger will be ${path})`}; ${OFFLINE_NOTE}`);
    return ExitCode.OK;
  }
  if (json) {
    for (const row of rows) io.print(historyJsonLine(row));
    // Commentary goes to stderr: stdout stays one task object per line for jq.
    io.info(total);
    return ExitCode.OK;
  }
  const paint = palette(io.colorEnabled);
  for (const line of historyTable(rows)) io.print(line);
  io.print(total);
  const unknown = rows.filter((row) => row.status === 'unknown').length;
  if (unknown > 0) {
    io.info(paint.warn(`${unknown} task${unknown === 1 ? '' : 's'} with an unknown outcome: check them in the Vtrix console before running again`));
  }
  return ExitCode.OK;
}
