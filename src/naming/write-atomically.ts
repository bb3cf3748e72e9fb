import { randomBytes } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { makeFolder } from '../core/make-folder.js';
import { numberedPath } from './output-path.js';

/**
 * Writes a file so that it is either absent or complete: a temp file in the same folder,
 * flushed, then moved into place. Without `overwrite` an existing file is never replaced:
 * the temp file is hard-linked to the name (which fails if the name exists), and a paid
 * result that finds its name taken is saved under the next free name instead of being lost.
 * The temp file's name does not grow with the target's (a fixed 29 bytes), so a name that
 * fits the file system's limit is never refused for its temp file.
 */
export async function writeAtomically(target: string, bytes: Buffer, overwrite: boolean): Promise<string> {
  const folder = dirname(target);
  await makeFolder(folder);
  const temp = join(folder, `.spark-style-${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (overwrite) {
      await rename(temp, target);
      return target;
    }
    for (let attempt = 1; attempt <= 1000; attempt++) {
      const candidate = attempt === 1 ? target : numberedPath(target, attempt);
      try {
        await link(temp, candidate);
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new Error(`no free name next to ${target}`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}
