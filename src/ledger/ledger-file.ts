import { closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';

/**
 * The ledger holds every input path and task id of the user: it is created 0600 (in a folder
 * created 0700; an existing folder keeps its mode, it may be the user's own), and never opened through a symbolic link (which could point another user's run,
 * or a stale copy, at a file we would then write to).
 */
export function prepareLedgerFile(path: string): void {
  const folder = dirname(path);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  for (const file of [path, `${path}-wal`, `${path}-shm`]) {
    let isLink = false;
    try {
      isLink = lstatSync(file).isSymbolicLink();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    if (isLink) {
      throw new UsageError(`refusing to open the task ledger ${file}: it is a symbolic link`, {
        code: 'ledger-symlink',
        hint: 'replace the link with the file itself, or point SPARK_STYLE_CONFIG_DIR at another folder',
      });
    }
  }
  // O_NOFOLLOW closes the gap between the check above and the open.
  const fd = openSync(path, constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW, 0o600);
  try {
    fchmodSync(fd, 0o600);
  } finally {
    closeSync(fd);
  }
}
