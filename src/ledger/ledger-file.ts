import { closeSync, constants, fchmodSync, lstatSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { assertPrivateStateDir } from '../config/trust.js';
import { UsageError } from '../core/errors.js';

/**
 * The ledger's folder is the config folder, which the command has already made (with
 * core/make-folder.ts); one level is made here at most. Never `recursive: true`: Node 20's
 * recursive mkdir loops forever where a file system refuses new folders (/proc and the like).
 */
function makeStateFolder(folder: string): void {
  try {
    mkdirSync(folder, { mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    throw new UsageError(`cannot create ${folder} for the task ledger: ${(error as Error).message}`, {
      code: 'ledger-folder',
      hint: 'point SPARK_STYLE_CONFIG_DIR at a folder you can write',
    });
  }
}

/**
 * The ledger holds every input path and task id of the user: it is created 0600 (in a folder
 * created 0700; an existing folder keeps its mode, it may be the user's own), and never opened through a symbolic link (which could point another user's run,
 * or a stale copy, at a file we would then write to).
 */
export function prepareLedgerFile(path: string): void {
  makeStateFolder(dirname(path));
  // Every command reaches the ledger through here: a folder others can write is refused before anything in it is read or chmod-ed.
  assertPrivateStateDir(dirname(path));
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
