import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { type CheckResult, createSparkStyle, UsageError } from '../../index.js';
import { palette, stdoutPalette } from '../../terminal/colors.js';
import type { CheckOptions } from './define.js';
import { fixCommand } from './fix-command.js';

export async function runCheck(files: string[], options: CheckOptions, context: CommandContext): Promise<number> {
  if (options.fix) {
    const { runCheckFix } = await import('./fix.js');
    return runCheckFix(files, options, context);
  }
  if (options.out || options.keepMetadata || options.overwrite) throw new UsageError('--out, --keep-metadata and --overwrite go with --fix');
  let failures = 0;
  const repairable: string[] = [];
  // Printed in the order given, each as soon as it and every file before it is done.
  for await (const verdict of createSparkStyle().checkAll(files)) {
    if (!verdict.ok) failures++;
    if (verdict.fixable) repairable.push(verdict.file);
    printVerdict(verdict, options, context);
  }
  if (repairable.length > 0 && !options.json && !options.quiet) {
    const paint = palette(context.io.colorEnabled);
    context.io.info(
      paint.dim(
        `hint: --fix can repair ${repairable.length === 1 ? 'it' : `${repairable.length} of these files`}: ${fixCommand(repairable.length <= 5 ? repairable : files)}`,
      ),
    );
  }
  return failures === 0 ? ExitCode.OK : ExitCode.ITEM_FAILED;
}

function printVerdict(verdict: CheckResult, options: CheckOptions, { io }: CommandContext): void {
  if (options.json) {
    const { file, ok, format, width, height, bytes, errors, fixable, convertible } = verdict;
    io.print(JSON.stringify({ file, ok, format, width, height, bytes, errors, fixable, convertible }));
  } else if (options.quiet) {
    if (verdict.ok) io.print(verdict.file);
  } else {
    const paint = stdoutPalette(io);
    const line = verdict.ok ? paint.ok(verdict.description) : paint.error(verdict.description);
    const hint = verdict.ok
      ? ''
      : verdict.convertible
        ? paint.dim(' (stylize and sheet convert it to JPEG: no --fix needed)')
        : verdict.fixable
          ? paint.dim(' (--fix can repair this)')
          : '';
    io.print(`${verdict.file}: ${line}${hint}`);
  }
}
