import { UsageError } from '../core/errors.js';
import type { FixOptions, PreparedImage } from './prepare.js';

export async function repairImage(_path: string, _options: FixOptions): Promise<PreparedImage> {
  throw new UsageError('--fix is not available yet');
}
