import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { EXIT_CODE_HELP } from '../../cmdutil/exit-codes.js';
import { describeCommand, integerOption } from '../../cmdutil/help.js';
import { addConnectionOptions } from '../../cmdutil/connection-flags.js';
import type { StylizeOptions } from '../stylize/define.js';

export interface SheetOptions extends StylizeOptions {
  /** The sheet's file (-o). */
  output?: string;
  width: number;
  columns?: number;
}

export const DEFAULT_SHEET_WIDTH = 2400;

export function defineSheet(program: Command, context: CommandContext): void {
  const command = program
    .command('sheet')
    .description('stylize photos and compose a labelled contact sheet of the results (one JPEG)')
    .argument('<inputs...>', 'image files, folders, quoted globs, or - to read paths from stdin')
    .option('-s, --style <styles>', 'style alias or req_key; several with commas, or "all" (default: config default-style)')
    .option('--sub-style <key>', 'sub_req_key for a raw req_key that needs one')
    .option('-o, --output <file>', 'the sheet (default: <photo>.sheet.jpg for one photo, sheet.jpg for several)')
    .option('--out <dir>', 'save the individual results here (default: beside the sheet given with -o, else beside each input)')
    .option('--width <px>', 'sheet width in pixels', integerOption(320, 10_000), DEFAULT_SHEET_WIDTH)
    .option('--columns <n>', 'grid columns for one photo (default close to square; several photos get one column per style)', integerOption(1, 64))
    .option('--report <file>', 'also write a self-contained HTML report (thumbnails, failures, task ids, costs)')
    .option('--overwrite', 'replace results that already exist (new tasks, paid again); without it they are reused')
    .option('--timeout <duration>', 'how long to wait for each task: 90, 90s, 5m', '600')
    .option('-c, --concurrency <n>', 'tasks in flight at once (default: config concurrency, else 4)', integerOption(1, 32))
    .option('-r, --recursive', 'descend into subfolders')
    .option('--max-tasks <n>', 'refuse to run if more than n tasks would be created', integerOption(0, 1_000_000))
    .option('--retry-failed', 'create new tasks for items whose task failed in an earlier run')
    .option('--fail-fast', 'stop creating tasks after the first failure')
    .option('--fix', 'convert, rotate, resize and re-encode inputs the API would refuse (the originals are not changed)')
    .option('--keep-metadata', 'with --fix: keep EXIF/GPS metadata instead of stripping it')
    .option('--json', 'one JSON object per item, then {"summary": ...}, then {"sheet": ...}')
    .option('-q, --quiet', 'print only the saved paths (results, then the sheet)')
    .option('--dry-run', 'check inputs and print the request bodies; send nothing, compose nothing')
    .option('--no-return-url', 'ask the API for inline base64 results instead of URLs')
    .option('--offline', 'run against the built-in emulator on loopback: no key, no network, no cost');
  addConnectionOptions(command).action(async (inputs: string[], options: SheetOptions) => {
      const { runSheet } = await import('./run.js');
      context.exitCode = await runSheet(inputs, options, context);
    });
  describeCommand(
    command,
    [
      'spark-style sheet photo.jpg --style all -o photo.sheet.jpg',
      'spark-style sheet fixtures/photos/bridge_1302x953.jpg --style all --offline --out art/',
      'spark-style sheet a.jpg b.jpg c.jpg --style ghibli,watercolor,marvel -o compare.jpg',
      'spark-style sheet photo.jpg --style all --columns 6 --width 1600 --report report.html',
      'spark-style sheet photo.jpg --style all --dry-run --max-tasks 22',
    ],
    `
Runs exactly like stylize (the same checks, ledger, reuse of existing results, --max-tasks,
Ctrl-C and resume), then composes the sheet from the saved results: for one photo the
original and one labelled tile per style in a grid; for several photos one row per photo and
one column per style. Items without a result show as "no result" tiles. The results are kept
(in --out, else beside the sheet given with -o, else beside each input). A sheet made by an
earlier run is replaced; any other file at that name is kept and the sheet takes the next free name.

${EXIT_CODE_HELP}
`,
  );
}
