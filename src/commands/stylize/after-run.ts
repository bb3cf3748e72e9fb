import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import type { FinishedRun } from '../../report/model.js';
import { palette } from '../../terminal/colors.js';

export type { FinishedRun };

/** What a command built on stylize does once the batch has run; returns an exit code. */
export type AfterRun = (run: FinishedRun) => Promise<number>;

/**
 * Everything that happens after the batch: the --report file, then the caller's own step
 * (the sheet). Whatever fails here fails after the results are safely saved, so it is told
 * in one line and counted as exit 1, never thrown over the run's own summary.
 */
export async function afterBatch(
  run: FinishedRun,
  options: { report?: string; json?: boolean; quiet?: boolean },
  context: CommandContext,
  after?: AfterRun,
): Promise<number> {
  const { io } = context;
  const paint = palette(io.colorEnabled);
  let code: number = ExitCode.OK;
  if (options.report) {
    try {
      const { writeReport } = await import('../../report/write.js');
      const saved = await writeReport(options.report, run);
      if (!options.quiet) io.info(`report: ${saved}`);
    } catch (error) {
      io.info(paint.error(`error: cannot write the report ${options.report}: ${(error as Error).message}`));
      if (context.verbose) io.info(String((error as Error).stack));
      code = ExitCode.ITEM_FAILED;
    }
  }
  if (after) {
    const own = await after(run);
    if (own !== ExitCode.OK) code = own;
  }
  return code;
}
