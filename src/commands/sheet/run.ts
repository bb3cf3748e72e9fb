import { basename, dirname, join } from 'node:path';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { ensureFolderOrUsageError } from '../../core/make-folder.js';
import { composeSheet, type SheetPhoto } from '../../sheet/compose.js';
import { isMarkedSheet } from '../../sheet/marker.js';
import { saveRebuildable } from '../../sheet/save-rebuildable.js';
import { stemOfPath } from '../../engine/vocabulary.js';
import { palette } from '../../terminal/colors.js';
import type { FinishedRun } from '../stylize/after-run.js';
import { runStylize } from '../stylize/run.js';
import type { SheetOptions } from './define.js';
import { sheetGrid } from '../../engine/sheet-grid.js';
import { type SheetTarget, sheetTargetOf } from '../../engine/sheet.js';

/**
 * `sheet` is `stylize` plus one step: the batch runs through stylize's own code path (checks,
 * ledger, reuse, --max-tasks, --dry-run, Ctrl-C, exit codes), and once it has finished the
 * saved results are composed into one labelled JPEG.
 */
export async function runSheet(inputs: string[], options: SheetOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const paint = palette(io.colorEnabled);
  const sheetTarget = await sheetTargetOf(options.output, '-o');
  // The results live in --out, else beside the sheet when -o names one, else beside each input.
  const out = options.out ?? sheetTarget?.folder;
  // The sheet is composed after paying: its folder must be able to take it before.
  if (sheetTarget && !options.dryRun) await ensureFolderOrUsageError(sheetTarget.folder, { hint: 'choose another place with -o', beforePaying: true });
  const code = await runStylize(inputs, { ...options, out }, context, (run) => composeFromRun(run, options, sheetTarget, out, context), {
    width: options.width,
    columns: options.columns,
  });
  if (options.dryRun && !options.quiet) io.info(paint.dim(`dry run: no sheet composed${sheetTarget?.file ? ` (it would be ${sheetTarget.file})` : ''}`));
  return code;
}

async function composeFromRun(
  run: FinishedRun,
  options: SheetOptions,
  sheetTarget: SheetTarget | null,
  out: string | undefined,
  context: CommandContext,
): Promise<{ code: number; made: string | null }> {
  const { io } = context;
  const paint = palette(io.colorEnabled);
  if (run.interrupted) {
    io.info(paint.warn('no sheet: the run was interrupted; run the same command again to finish it and compose the sheet'));
    return { code: ExitCode.OK, made: null };
  }
  const grid = sheetGrid(run);
  if (grid.photos.length === 0) {
    io.info(paint.error('error: no sheet: none of the inputs is a local image file'));
    return { code: ExitCode.ITEM_FAILED, made: null };
  }
  if (grid.photos.length > 1 && options.columns !== undefined && !options.quiet)
    io.info(paint.warn('--columns applies to one photo; several photos get one column per style'));
  if (grid.skipped.length > 0 && !options.quiet) io.info(paint.warn(`not on the sheet (not a local image file): ${grid.skipped.join(', ')}`));

  const target = sheetTarget?.file ?? defaultSheetPath(grid.photos, sheetTarget?.folder ?? out);
  const started = context.clock.now();
  const sheet = await composeSheet({ photos: grid.photos, styles: grid.styles, cells: grid.cells, width: options.width, columns: options.columns });
  const saved = await saveRebuildable(target, sheet.jpeg, isMarkedSheet);
  const { width, height } = sheet.layout;
  if (options.json) {
    io.print(
      JSON.stringify({
        sheet: { path: saved, width, height, bytes: sheet.jpeg.length, photos: grid.photos.length, styles: grid.styles.length, missing: sheet.missing },
      }),
    );
  } else {
    io.print(saved);
    if (!options.quiet) {
      // The sheet's font is ASCII only: say which photo a substitute name stands for.
      for (const photo of grid.photos) if (photo.label !== basename(photo.original)) io.info(paint.dim(`on the sheet, "${photo.label}" is ${photo.original}`));
      const size = `${width}x${height}, ${(sheet.jpeg.length / 1e6).toFixed(2)} MB, ${((context.clock.now() - started) / 1000).toFixed(1)} s`;
      io.info(`sheet: ${saved} (${size}${sheet.missing ? `; ${sheet.missing} without a result` : ''})`);
    }
  }
  return { code: ExitCode.OK, made: saved };
}

/** One photo: `<stem>.sheet.jpg` in the -o folder, else beside its results; several: `sheet.jpg` in the -o folder, --out or here. */
function defaultSheetPath(photos: readonly SheetPhoto[], out: string | undefined): string {
  if (photos.length === 1) return join(out ?? dirname(photos[0]!.original), `${stemOfPath(photos[0]!.original)}.sheet.jpg`);
  return join(out ?? '.', 'sheet.jpg');
}
