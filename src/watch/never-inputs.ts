import { basename, extname, relative, sep, isAbsolute } from 'node:path';
import { IMAGE_EXTENSIONS } from '../image/extensions.js';

export interface NeverInputs {
  /** Folders whose files are never inputs (--out, resolved), however deep. */
  readonly outputFolders: readonly string[];
  /** Style aliases: `<stem>.<alias>.<ext>` is the default name of a result. */
  readonly aliases: readonly string[];
}

/**
 * Why a path the watcher reports is not an input, judged by its name and place alone (no
 * read): the output folder (no loop when --out is inside the watched folder), hidden and
 * temporary files (results are written to `.spark-style-*.tmp` and then linked in place),
 * files that are not images, and names shaped like a result. Null: it may be an input.
 */
export function whyNotAnInputByName(path: string, rules: NeverInputs): string | null {
  if (rules.outputFolders.some((folder) => isInside(path, folder))) return 'inside the output folder';
  const name = basename(path);
  if (name.startsWith('.')) return 'a hidden or temporary file';
  const extension = extname(name).toLowerCase();
  if (!IMAGE_EXTENSIONS.has(extension)) return 'not an image file';
  const stem = name.slice(0, -extension.length);
  if (rules.aliases.some((alias) => stem.toLowerCase().endsWith(`.${alias.toLowerCase()}`))) return 'named like a result (<name>.<style>.<ext>)';
  return null;
}

function isInside(path: string, folder: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (!rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest));
}
