import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { openOnce, pickWhatToOpen } from '../../cmdutil/open-viewer.js';
import type { FinishedRun } from '../../report/model.js';

export type { FinishedRun };
import { palette } from '../../terminal/colors.js';

/** What a command built on stylize does once the batch has run: its exit code, and the file it made (the sheet) for --open. */
type AfterRun = () => Promise<{ code: number; made: string | null }>;

/**
 * Everything that happens after the batch: the --report file, then the caller's own step
 * (the sheet). Whatever fails here fails after the results are safely saved, so it is told
 * in one line and counted as exit 1, never thrown over the run's own summary.
 */
export async function afterBatch(
  run: FinishedRun,
  options: { report?: string; json?: boolean; quiet?: boolean; open?: boolean },
  context: CommandContext,
  after?: AfterRun,
): Promise<number> {
  const { io } = context;
  const paint = palette(io.colorEnabled);
  let code: number = ExitCode.OK;
  let report: string | null = null;
  let sheet: string | null = null;
  if (options.report) {
    try {
      const { writeReport } = await import('../../report/write.js');
      const saved = await writeReport(options.report, run);
      report = saved;
      if (!options.quiet) io.info(`report: ${saved}`);
    } catch (error) {
      io.info(paint.error(`error: cannot write the report ${options.report}: ${(error as Error).message}`));
      if (context.verbose) io.info(String((error as Error).stack));
      code = ExitCode.ITEM_FAILED;
    }
  }
  if (after) {
    const own = await after();
    sheet = own.made;
    if (own.code !== ExitCode.OK) code = own.code;
  }
  if (options.open && !run.interrupted) await openResult({ report, sheet, saved: savedPaths(run) }, options.quiet === true, context);
  return code;
}

function savedPaths(run: FinishedRun): string[] {
  return run.items.flatMap((result) => (result.status === 'saved' && result.output ? [result.output] : []));
}

/** --open: one window at most (the report, the sheet, the result or its folder), and only on a desktop. */
async function openResult(found: Parameters<typeof pickWhatToOpen>[0], quiet: boolean, { io, openViewer }: CommandContext): Promise<void> {
  const outcome = await openOnce(pickWhatToOpen(found), { stdoutIsTTY: io.stdoutIsTTY, env: io.env, platform: process.platform }, openViewer);
  if (outcome && !quiet) io.info(palette(io.colorEnabled).dim(outcome.note));
}
