import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { EXIT_CODE_HELP } from '../../cmdutil/exit-codes.js';
import { describeCommand } from '../../cmdutil/help.js';
import { addRunOptions, type RunOptions } from '../shared/run-options.js';

/** stylize takes exactly the run options (commands/shared/run-options.ts). */
export type StylizeOptions = RunOptions;

export function defineStylize(program: Command, context: CommandContext): void {
  const command = program
    .command('stylize')
    .description('stylize photos: check, upload, wait, save <name>.<style>.jpg (a batch is simply many inputs)')
    .argument(
      '<inputs...>',
      'image files, folders, quoted globs, http(s) URLs, sample:bridge (a bundled photo: bridge, hubble, rocket), or - to read paths from stdin',
    );
  const out = { flags: '-o, --out <dir>', description: 'save results here (created if missing) instead of beside each input' };
  addRunOptions(command, out).action(async (inputs: string[], options: StylizeOptions) => {
    const { runStylize } = await import('./run.js');
    context.exitCode = await runStylize(inputs, options, context);
  });
  describeCommand(
    command,
    [
      'spark-style stylize photo.jpg --style ghibli',
      'spark-style stylize sample:bridge --style marvel --offline',
      'spark-style stylize photos/ --style watercolor,ink-wash --out art/ --concurrency 8',
      "spark-style stylize 'shoot/**/*.jpg' --style all --max-tasks 500 --out art/",
      'spark-style stylize photos/ --style ghibli --out art/ --budget 5.00',
      'find . -name "*.png" | spark-style stylize - --style clay --json > results.jsonl',
      'spark-style stylize photo.jpg --style img2img_comic_style_usage --sub-style img2img_comic_style_marvel --dry-run',
      'spark-style stylize IMG_0042.heic --style anime --fix',
      'spark-style stylize photos/ --recursive --style ghibli --out art/ --shard 3/8',
      'spark-style stylize photos/ --style all --out art/ --report art/report.html',
      "spark-style stylize photos/ --style ghibli,marvel --out art/ --name '{style}/{stem}.{ext}'",
      "spark-style stylize photos/ -r --style clay --out art/ --name '{date}/{dir}/{stem}.{style}.{ext}'",
    ],
    `
Results are saved as <name>.<style>.<ext> beside the input (or under --out), or as --name says:
{stem} the input's name, {style} the alias, {ext} from the result's bytes, {dir} the input's
subfolder (--recursive), {date} its capture date (else the file's date), {task} the task id.
Each result carries the original's capture date and an IPTC "made by a trained algorithm"
mark, added without re-encoding (--no-provenance: exactly as received; GPS only with
--keep-gps). Every create is written to the task ledger before it is sent: run the same
command again after Ctrl-C, a crash or a timeout, and it collects those tasks instead of
paying again. A create whose answer never came is "outcome unknown": it is reported and not
sent again unless you add --resend-unknown. Any --watermark-* option turns the watermark on.
--budget <usd> starts no task that could take the run's spend over it, counting tasks in
flight at the style's median price over the ledger's recent tasks (with no price seen yet, one
task goes first and its cost is waited for); --dry-run shows the expected cost.

${EXIT_CODE_HELP}
`,
  );
}
