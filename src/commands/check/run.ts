import pLimit from 'p-limit';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { UsageError } from '../../core/errors.js';
import { checkImage, describeReport, type ImageReport } from '../../image/check.js';
import { isConvertible } from '../../image/convert.js';
import { isRepairable } from '../../image/prepare.js';
import { palette, stdoutPalette } from '../../terminal/colors.js';
import { fixCommand } from './fix-command.js';
import type { CheckOptions } from './define.js';

// Checks are CPU-bound in libvips, which has its own thread pool; two at a time keeps the output flowing.
const CHECKS_AT_ONCE = 2;

export async function runCheck(files: string[], options: CheckOptions, context: CommandContext): Promise<number> {
  if (options.fix) {
    const { runCheckFix } = await import('./fix.js');
    return runCheckFix(files, options, context);
  }
  if (options.out || options.keepMetadata || options.overwrite) throw new UsageError('--out, --keep-metadata and --overwrite go with --fix');
  const limit = pLimit(CHECKS_AT_ONCE);
  const reports = files.map((file) => limit(() => checkImage(file)));
  let failures = 0;
  const repairable: string[] = [];
  // Printed in the order given, each as soon as it and every file before it is done.
  for (const pending of reports) {
    const report = await pending;
    if (!report.ok) failures++;
    if (!report.ok && isRepairable(report)) repairable.push(report.file);
    printReport(report, options, context);
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

function printReport(report: ImageReport, options: CheckOptions, { io }: CommandContext): void {
  if (options.json) {
    const { file, ok, format, width, height, bytes, errors } = report;
    io.print(
      JSON.stringify({ file, ok, format, width, height, bytes, errors, fixable: !ok && isRepairable(report), convertible: !ok && isConvertible(report) }),
    );
  } else if (options.quiet) {
    if (report.ok) io.print(report.file);
  } else {
    const paint = stdoutPalette(io);
    const verdict = report.ok ? paint.ok(describeReport(report)) : paint.error(describeReport(report));
    const hint = report.ok
      ? ''
      : isConvertible(report)
        ? paint.dim(' (stylize and sheet convert it to JPEG: no --fix needed)')
        : isRepairable(report)
          ? paint.dim(' (--fix can repair this)')
          : '';
    io.print(`${report.file}: ${verdict}${hint}`);
  }
}
