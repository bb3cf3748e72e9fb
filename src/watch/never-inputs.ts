import { open } from 'node:fs/promises';
import { basename, extname, relative, sep, isAbsolute } from 'node:path';
import { isSparkStyleResult, MARK_WINDOW } from '../image/provenance-mark.js';
import { isMarkedSheet } from '../sheet/marker.js';

/** The extensions a watch picks up: what stylize takes from a folder. */
const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.heic', '.heif', '.avif', '.tif', '.tiff', '.gif', '.bmp']);

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

/**
 * A file that is a contact sheet or a result spark-style saved (its sheet comment, its
 * provenance mark, read from the file's head): never taken as a photo, wherever it lands,
 * even under a --name template that does not look like a result.
 */
export async function isOwnFile(path: string): Promise<boolean> {
  try {
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(MARK_WINDOW);
      const { bytesRead } = await handle.read(head, 0, head.length, 0);
      const start = head.subarray(0, bytesRead);
      return isMarkedSheet(start) || (await isSparkStyleResult(handle, start, Buffer.alloc(MARK_WINDOW)));
    } finally {
      await handle.close();
    }
  } catch {
    // Unreadable or gone: the run's own image check says what is wrong (or the watch forgets it).
    return false;
  }
}

function isInside(path: string, folder: string): boolean {
  const rest = relative(folder, path);
  return rest === '' || (!rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest));
}
