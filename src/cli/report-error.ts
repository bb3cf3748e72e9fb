import { isSparkError } from '../core/errors.js';
import type { CommandContext } from '../cmdutil/context.js';
import { ExitCode, exitCodeForKind } from '../cmdutil/exit-codes.js';
import { palette } from '../terminal/colors.js';

/** The one place where an error that escaped a command becomes a message and an exit code. */
export function reportError(error: unknown, context: CommandContext): number {
  const { io } = context;
  const paint = palette(io.colorEnabled);
  if (isSparkError(error)) {
    io.info(`${paint.error('error:')} ${error.message}`);
    if (error.hint) io.info(`${paint.dim('hint:')} ${error.hint}`);
    if (context.verbose && error.stack) io.info(paint.dim(error.stack));
    return exitCodeForKind(error.kind);
  }
  const message = error instanceof Error ? error.message : String(error);
  io.info(`${paint.error('error:')} ${message.split('\n')[0]}`);
  if (context.verbose && error instanceof Error && error.stack) io.info(paint.dim(error.stack));
  else io.info(paint.dim('(an unexpected error; run again with --verbose for details)'));
  return ExitCode.ITEM_FAILED;
}
