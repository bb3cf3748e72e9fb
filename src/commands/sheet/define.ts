import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { EXIT_CODE_HELP } from '../../cmdutil/exit-codes.js';
import { describeCommand, integerOption } from '../../cmdutil/help.js';
import { addRunOptions, type RunOptions } from '../shared/run-options.js';

export interface SheetOptions extends RunOptions {
  /** The sheet's file (-o). */
  output?: string;
  width: number;
  columns?: number;
}

const DEFAULT_SHEET_WIDTH = 2400;

export function defineSheet(program: Command, context: CommandContext): void {
  const command = program
    .command('sheet')
    .description('stylize photos and compose a labelled contact sheet of the results (one JPEG)')
    .argument('<inputs...>', 'image files, folders, quoted globs, sample:bridge (a bundled photo: bridge, hubble, rocket), or - to read paths from stdin')
    .optionsGroup('Sheet options:')
    .option('-o, --output <file>', 'the sheet, a .jpg/.jpeg file, or a folder for it (default name: <photo>.sheet.jpg for one photo, sheet.jpg for several)')
    .option('--width <px>', 'sheet width in pixels', integerOption(320, 10_000), DEFAULT_SHEET_WIDTH)
    .option(
      '--columns <n>',
      'grid columns for one photo (default close to square; several photos get one column per style, wrapped into bands)',
      integerOption(1, 64),
    )
    .optionsGroup('Run options (as for stylize):');
  const out = { flags: '--out <dir>', description: 'save the individual results here (default: beside the sheet given with -o, else beside each input)' };
  addRunOptions(command, out).action(async (inputs: string[], options: SheetOptions) => {
    const { runSheet } = await import('./run.js');
    context.exitCode = await runSheet(inputs, options, context);
  });
  describeCommand(
    command,
    [
      'spark-style sheet photo.jpg --style all -o photo.sheet.jpg',
      'spark-style sheet sample:bridge --style all --offline --out art/',
      'spark-style sheet a.jpg b.jpg c.jpg --style ghibli,watercolor,marvel -o compare.jpg',
      'spark-style sheet photo.jpg --style all --columns 6 --width 1600 --report report.html',
      'spark-style sheet photo.jpg --style all --dry-run --max-tasks 22',
      'spark-style sheet photo.jpg --style all --budget 0.50',
      'spark-style sheet photos/ -r --style ghibli,clay --out art/ --shard 2/4 -o sheet-2.jpg',
    ],
    `
Runs exactly like stylize, with every stylize option (the same checks, ledger, reuse of
existing results, --max-tasks, --budget, --shard, --name, Ctrl-C and resume), then composes
the sheet from the saved results: for one photo the original and one labelled tile per style
in a grid; for several photos one row per photo and one column per style (bands of columns,
one under the other, when tiles would be narrower than 200 px). Items without a result show
as "no result" tiles. The results are kept (in --out, else beside the sheet given with -o,
else beside each input). A sheet made by an earlier run is replaced; any other file
at that name is kept and the sheet takes the next free name. --json adds {"sheet": ...} after
the summary; --quiet prints the sheet's path last; --dry-run composes nothing.

${EXIT_CODE_HELP}
`,
  );
}
