import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { describeCommand } from '../../cmdutil/help.js';

export interface CheckOptions {
  json?: boolean;
  quiet?: boolean;
  fix?: boolean;
  out?: string;
  keepMetadata?: boolean;
  overwrite?: boolean;
}

export function defineCheck(program: Command, context: CommandContext): void {
  const command = program
    .command('check')
    .description("check images against the API's rules before paying for them (format, 5 MB, 600x800 to 4096x4096, decodes)")
    .argument('<files...>', 'image files to check')
    .option('--json', 'one JSON object per line: {file, ok, format, width, height, bytes, errors}')
    .option('-q, --quiet', 'print only the files that pass')
    .option('--fix', 'write an API-ready copy of every file into --out (converted, resized, re-encoded as needed)')
    .option('-o, --out <dir>', 'with --fix: the folder for the repaired copies (created if missing)')
    .option('--keep-metadata', 'with --fix: keep EXIF/GPS/ICC metadata instead of stripping it')
    .option('--overwrite', 'with --fix: replace copies already in --out')
    .action(async (files: string[], options: CheckOptions) => {
      const { runCheck } = await import('./run.js');
      context.exitCode = await runCheck(files, options, context);
    });
  describeCommand(
    command,
    ['spark-style check photo.jpg', 'spark-style check *.jpg --json | jq -c "select(.ok | not)"', 'spark-style check ~/Pictures/*.heic --fix --out ready/'],
    '\nExit codes: 0 every file passes (or, with --fix, every file was written), 1 otherwise, 2 usage.\n',
  );
}
