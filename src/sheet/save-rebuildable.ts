import { lstat, open } from 'node:fs/promises';
import { InputError, UsageError } from '../core/errors.js';
import { writeAtomically } from '../naming/write-atomically.js';

/** What a file needs to show to be recognised as ours: a report's generator tag, a sheet's comment. */
const HEAD_BYTES = 2048;

/**
 * Whether `target` can take a rebuildable file: nothing there yet, or a regular file (which
 * may be an earlier one of ours). A device, a FIFO, a folder or a symbolic link is refused:
 * `--report /dev/zero` was read whole (16 GB in 90 s) and `--report /dev/stdout` made a file
 * `/dev/stdout-2`. Checked before anything is sent, and again when saving.
 */
export async function checkRebuildableTarget(target: string, flag: string, kind: 'report' | 'sheet'): Promise<void> {
  let stats: Awaited<ReturnType<typeof lstat>>;
  try {
    stats = await lstat(target);
  } catch (error) {
    if (nothingThere(error)) return; // saving says why it cannot, after the results are safe
    throw error;
  }
  if (!stats.isFile()) {
    throw new UsageError(`${flag} ${target}: it is not a regular file (only an earlier ${kind} can be replaced); nothing was sent`, {
      code: 'not-a-regular-file',
      hint: `name a new file, such as ${flag} ${kind === 'report' ? 'report.html' : 'sheet.jpg'}`,
    });
  }
}

/** No file at that name: none yet, or a file where a folder of the path should be. */
function nothingThere(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Saves a file that spark-style can rebuild for free (a sheet, a report). It replaces an
 * earlier one of its own kind at that name, told by its first 2 KB; any other file there is
 * kept, and this one takes the next free name (`name-2.ext`), as results do. Returns the path
 * written.
 */
export async function saveRebuildable(target: string, bytes: Buffer, isOurs: (head: Buffer) => boolean): Promise<string> {
  return writeAtomically(target, bytes, await isOursAlready(target, isOurs));
}

async function isOursAlready(target: string, isOurs: (head: Buffer) => boolean): Promise<boolean> {
  try {
    // Something else took the name after the check before paying (a folder, a link): it is kept.
    if (!(await lstat(target)).isFile()) throw new InputError(`${target} is not a regular file`, { code: 'not-a-regular-file' });
  } catch (error) {
    if (nothingThere(error)) return false;
    throw error;
  }
  const handle = await open(target, 'r');
  try {
    const head = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(head, 0, HEAD_BYTES, 0);
    return isOurs(head.subarray(0, bytesRead));
  } finally {
    await handle.close();
  }
}
