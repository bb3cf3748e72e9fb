import type { CommandContext } from '../../cli/context.js';
import type { CheckOptions } from './define.js';
import { UsageError } from '../../core/errors.js';
export async function runCheckFix(_files: string[], _options: CheckOptions, _context: CommandContext): Promise<number> {
  throw new UsageError('--fix is not available yet');
}
