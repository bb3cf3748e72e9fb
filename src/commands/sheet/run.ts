import { basename } from 'node:path';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { sheetTargetOf } from '../../engine/sheet.js';
import type { SheetRunResult } from '../../engine/types.js';
import { palette } from '../../terminal/colors.js';
import { runStylize } from '../stylize/run.js';
import type { SheetOptions } from './define.js';

/**
 * `sheet` is `stylize` through client.sheet(): the batch runs as stylize's does (checks, ledger,
 * reuse, --max-tasks, --dry-run, Ctrl-C, exit codes, --report), the engine composes the saved
 * results into one labelled JPEG, and this command prints what it made.
 */
export async function runSheet(inputs: string[], options: SheetOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  // --dry-run composes nothing, so the engine never reads -o: it is checked here (and named) before the plan.
  const dryTarget = options.dryRun ? await sheetTargetOf(options.output, '-o') : null;
  const code = await runStylize(inputs, { ...options, out: options.out ?? dryTarget?.folder }, context, {
    sheetLayout: { width: options.width, columns: options.columns },
    start: (client, items, runOptions) =>
      client.sheet(items, { ...runOptions, output: options.output, outputFlag: '-o', width: options.width, columns: options.columns }),
    after: (result) => printSheet(result, options, context),
  });
  if (options.dryRun && !options.quiet) {
    io.info(palette(io.colorEnabled).dim(`dry run: no sheet composed${dryTarget?.file ? ` (it would be ${dryTarget.file})` : ''}`));
  }
  return code;
}

async function printSheet(result: SheetRunResult, options: SheetOptions, { io }: CommandContext): Promise<{ code: number; made: string | null }> {
  const paint = palette(io.colorEnabled);
  if (result.interrupted) {
    io.info(paint.warn('no sheet: the run was interrupted; run the same command again to finish it and compose the sheet'));
    return { code: ExitCode.OK, made: null };
  }
  if (result.composeError) {
    const { path, message } = result.composeError;
    io.info(paint.error(`error: no sheet ${path}: ${message}. The results are saved: run the same command again to compose the sheet (nothing is paid twice)`));
    return { code: ExitCode.ITEM_FAILED, made: null };
  }
  const sheet = result.composed;
  if (!sheet) {
    io.info(paint.error('error: no sheet: none of the inputs is a local image file'));
    return { code: ExitCode.ITEM_FAILED, made: null };
  }
  if (sheet.photos.length > 1 && options.columns !== undefined && !options.quiet)
    io.info(paint.warn('--columns applies to one photo; several photos get one column per style'));
  if (sheet.leftOff.length > 0 && !options.quiet) io.info(paint.warn(`not on the sheet (not a local image file): ${sheet.leftOff.join(', ')}`));
  const { path, width, height, bytes, missing } = sheet;
  if (options.json) {
    io.print(JSON.stringify({ sheet: { path, width, height, bytes, photos: sheet.photos.length, styles: sheet.styles.length, missing } }));
    return { code: ExitCode.OK, made: path };
  }
  io.print(path);
  if (!options.quiet) {
    // The sheet's font is ASCII only: say which photo a substitute name stands for.
    for (const photo of sheet.photos) if (photo.label !== basename(photo.original)) io.info(paint.dim(`on the sheet, "${photo.label}" is ${photo.original}`));
    const size = `${width}x${height}, ${(bytes / 1e6).toFixed(2)} MB, ${(sheet.ms / 1000).toFixed(1)} s`;
    io.info(`sheet: ${path} (${size}${missing ? `; ${missing} without a result` : ''})`);
  }
  return { code: ExitCode.OK, made: path };
}
