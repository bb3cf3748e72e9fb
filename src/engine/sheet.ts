import { stat } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { UsageError } from '../core/errors.js';
import { ensureFolderOrUsageError } from '../core/make-folder.js';
import { stemOfPath } from '../naming/stems.js';
import { composeSheet, type SheetPhoto } from '../sheet/compose.js';
import { isMarkedSheet } from '../sheet/marker.js';
import { checkRebuildableTarget, saveRebuildable } from '../sheet/save-rebuildable.js';
import { sheetGrid } from './sheet-grid.js';
import type { Clock } from '../core/clock.js';
import { ExitCode, worstExitCode } from '../core/exit-codes.js';
import type { ComposedSheet, RunResult, SheetComposeError, SheetOptions, SheetRunResult, StylizeOptions } from './types.js';

/** As the CLI's sheet --width default. */
const DEFAULT_SHEET_WIDTH = 2400;

/** Where the sheet goes: a named .jpg file, or a folder for its default name. */
export interface SheetTarget {
  readonly folder: string;
  /** Null: a folder was named; the sheet takes its default name there. */
  readonly file: string | null;
}

/**
 * client.sheet(): a stylize run (the same checks, ledger and never paying twice; the sheet's
 * layout refused before paying), then the saved results composed into one labelled JPEG.
 * `stylize` is the client's own run for these options, with the results' folder and the layout.
 */
export async function sheetOf(
  options: SheetOptions,
  clock: Clock,
  stylize: (extra: Pick<StylizeOptions, 'outDir' | 'sheetLayout'>) => Promise<RunResult>,
): Promise<SheetRunResult> {
  const flag = options.outputFlag;
  const target = await sheetTargetOf(options.output, flag);
  // The sheet is composed after paying: its folder must be able to take it before.
  if (target) await ensureFolderOrUsageError(target.folder, { hint: `choose another place ${flag ? `with ${flag}` : 'for the sheet'}`, beforePaying: true });
  const out = options.outDir ?? target?.folder;
  const width = options.width ?? DEFAULT_SHEET_WIDTH;
  const result = await stylize({ outDir: out, sheetLayout: { width, columns: options.columns } });
  if (result.interrupted) return { ...result, sheet: null, composed: null, composeError: null };
  const grid = sheetGrid(result);
  if (grid.photos.length === 0) return { ...result, sheet: null, composed: null, composeError: null };
  const path = target?.file ?? defaultSheetPath(grid.photos, target?.folder ?? out);
  try {
    const composed = await composeAndSave(path, grid, { width, columns: options.columns }, clock);
    return { ...result, sheet: composed.path, composed, composeError: null };
  } catch (error) {
    // The tasks are paid and their results saved: the run is told in full, and this failure with it.
    const composeError = composeErrorOf(path, error);
    return { ...result, sheet: null, composed: null, composeError, exitCode: worstExitCode([result.exitCode, ExitCode.ITEM_FAILED]) };
  }
}

async function composeAndSave(
  path: string,
  grid: ReturnType<typeof sheetGrid>,
  layout: { width: number; columns: number | undefined },
  clock: Clock,
): Promise<ComposedSheet> {
  const started = clock.now();
  const sheet = await composeSheet({ photos: grid.photos, styles: grid.styles, cells: grid.cells, ...layout });
  const saved = await saveRebuildable(path, sheet.jpeg, isMarkedSheet);
  return {
    path: saved,
    width: sheet.layout.width,
    height: sheet.layout.height,
    bytes: sheet.jpeg.length,
    photos: grid.photos.map(({ original, label }) => ({ original, label })),
    styles: grid.styles.map((style) => style.alias),
    missing: sheet.missing,
    leftOff: grid.skipped,
    ms: clock.now() - started,
  };
}

/**
 * Why the sheet was not made, in one line: the error's code, and its cause without the path
 * (a file-system message names the temp file it was writing, not the sheet; `path` names the sheet).
 */
function composeErrorOf(path: string, error: unknown): SheetComposeError {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  const text = error instanceof Error ? error.message : String(error);
  const firstLine = text.split('\n')[0]!.trim();
  const cause = firstLine
    .replace(/^E[A-Z]+: /, '') // "EACCES: permission denied, open '/x/.tmp'" -> "permission denied"
    .replace(/, \w+ '.*'$/, '')
    .replace(`${path} is `, 'it is ');
  return { path, code: typeof code === 'string' ? code : 'compose-failed', message: cause || 'unknown error' };
}

/**
 * A .jpg/.jpeg file (the sheet is always JPEG, so any other extension would lie). An existing
 * folder, or a path ending in "/", is read as the folder for the sheet's default name: that is
 * what someone typing `-o sheets/` means, and refusing it would only make them type the name we
 * would have chosen. `flag`: how the caller names the option in messages (the CLI's `-o`).
 */
export async function sheetTargetOf(output: string | undefined, flag?: string): Promise<SheetTarget | null> {
  if (output === undefined) return null;
  const asTyped = (path: string) => (flag ? `${flag} ${path}` : path);
  if (output === '') throw new UsageError(`${flag ?? 'output'} needs a file name for the sheet, such as ${asTyped('sheet.jpg')}`);
  const isFolder =
    /[\\/]$/.test(output) ||
    (await stat(output).then(
      (info) => info.isDirectory(),
      () => false,
    ));
  if (isFolder) return { folder: output, file: null };
  await checkRebuildableTarget(output, flag ?? 'output', 'sheet');
  if (!/^\.jpe?g$/i.test(extname(output))) {
    throw new UsageError(`${asTyped(output)}: the sheet is a JPEG, so its name must end in .jpg or .jpeg`, {
      code: 'sheet-extension',
      hint: `for example ${asTyped(join(dirname(output), 'sheet.jpg'))}`,
    });
  }
  return { folder: dirname(output), file: output };
}

function defaultSheetPath(photos: readonly SheetPhoto[], out: string | undefined): string {
  if (photos.length === 1) return join(out ?? dirname(photos[0]!.original), `${stemOfPath(photos[0]!.original)}.sheet.jpg`);
  return join(out ?? '.', 'sheet.jpg');
}
