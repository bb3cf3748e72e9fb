import { access } from 'node:fs/promises';
import { writeAtomically } from '../runner/save.js';

/**
 * Saves a file that spark-style can rebuild for free (a sheet, a report). It replaces an
 * earlier one of its own kind at that name; any other file there is kept, and this one takes
 * the next free name (`name-2.ext`), as results do. Returns the path written.
 */
export async function saveRebuildable(target: string, bytes: Buffer, isOurs: (existing: string) => Promise<boolean>): Promise<string> {
  let replace = false;
  try {
    await access(target);
    replace = await isOurs(target);
  } catch {
    replace = false;
  }
  return writeAtomically(target, bytes, replace);
}
