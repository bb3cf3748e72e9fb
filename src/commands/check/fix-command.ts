import { shellCommand } from '../../core/shell-quote.js';

/** The command that writes API-ready copies, ready to paste (the originals are never changed). */
export function fixCommand(files: readonly string[]): string {
  return `${shellCommand(['spark-style', 'check', ...files, '--fix', '--out'])} ready/`;
}
