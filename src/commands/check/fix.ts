import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { type CheckResult, createSparkStyle, UsageError } from '../../index.js';
import { stdoutPalette } from '../../terminal/colors.js';
import type { CheckOptions } from './define.js';
import { fixCommand } from './fix-command.js';

/** What `check --fix --json` prints for one input. */
interface FixReport {
  file: string;
  ok: boolean;
  output: string | null;
  changes: readonly string[];
  warnings: readonly string[];
  errors: readonly { rule: string; message: string }[];
}

/**
 * `check --fix --out DIR`: an API-ready copy of every input that can be made valid (through the
 * library's checkAll with fix), so the folder is a complete set to send. Originals are only read.
 */
export async function runCheckFix(files: string[], options: CheckOptions, { io }: CommandContext): Promise<number> {
  if (!options.out) {
    throw new UsageError('check --fix needs --out <dir> for the repaired copies (the originals are never changed)', {
      code: 'fix-needs-out',
      hint: fixCommand(files),
    });
  }
  const fix = { outDir: options.out, keepMetadata: options.keepMetadata === true, overwrite: options.overwrite === true };
  let failures = 0;
  const paint = stdoutPalette(io);
  for await (const verdict of createSparkStyle().checkAll(files, { fix })) {
    const report = fixReport(verdict);
    if (!report.ok) failures++;
    if (options.json) io.print(JSON.stringify(report));
    else if (options.quiet) {
      if (report.ok) io.print(report.output!);
    } else if (report.ok) {
      const what = report.changes.length ? report.changes.join('; ') : 'nothing needed changing';
      io.print(`${report.file} -> ${report.output}: ${paint.ok(what)}`);
      for (const warning of report.warnings) io.info(paint.warn(`${report.file}: warning: ${warning}`));
    } else {
      io.print(`${report.file}: ${paint.error(report.errors.map((error) => error.message).join('; '))}`);
    }
  }
  return failures === 0 ? ExitCode.OK : ExitCode.ITEM_FAILED;
}

function fixReport({ file, fixed, fixErrors }: CheckResult): FixReport {
  if (fixed) return { file, ok: true, output: fixed.output, changes: fixed.changes, warnings: fixed.warnings, errors: [] };
  return { file, ok: false, output: null, changes: [], warnings: [], errors: fixErrors ?? [] };
}
