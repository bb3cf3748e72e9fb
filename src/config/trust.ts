import { closeSync, constants, fstatSync, lstatSync, openSync, statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';
import { shellQuote } from '../core/shell-quote.js';

/**
 * The config folder holds the API key, the base URL it is sent to, and the task records a
 * run trusts to avoid paying twice. As ssh does for its keys, we refuse a folder or file
 * that another user could write (a planted config.json could send the key elsewhere) and a
 * state file that is a symbolic link (writing through it would append to, and chmod, a
 * victim file). Checked before anything is read or written.
 */

const CHECKED = process.platform !== 'win32';
/** The sticky bit: in such a folder (/tmp) only an entry's owner may rename or remove it. */
const STICKY = 0o1000;

function mode(stats: Stats): string {
  return (stats.mode & 0o777).toString(8).padStart(4, '0');
}

function ownedByAnother(stats: Stats): boolean {
  return typeof process.getuid === 'function' && stats.uid !== process.getuid();
}

function refuse(what: string, path: string, reason: string, fix: string): never {
  throw new UsageError(`refusing ${what} ${path}: ${reason}; nothing was read from it`, { code: 'untrusted-config', hint: fix });
}

/**
 * The folder of the config and the state files: a directory of ours that no one else can
 * write, in a parent that no one else can rename it out of (world-writable without the
 * sticky bit). A symbolic link to such a folder is accepted (dotfile managers make them).
 */
export function assertPrivateStateDir(dir: string): void {
  if (!CHECKED) return;
  const stats = statSync(dir);
  if (!stats.isDirectory()) refuse('the config folder', dir, 'it is not a folder', 'point SPARK_STYLE_CONFIG_DIR at a folder');
  if (ownedByAnother(stats))
    refuse(
      'the config folder',
      dir,
      'it belongs to another user',
      `use a folder of your own (SPARK_STYLE_CONFIG_DIR), or: sudo chown "$USER" ${shellQuote(dir)}`,
    );
  if (stats.mode & 0o022) refuse('the config folder', dir, `other users can write to it (mode ${mode(stats)})`, `chmod 700 ${shellQuote(dir)}`);
  const parent = statSync(dirname(dir));
  if (parent.mode & 0o002 && !(parent.mode & STICKY)) {
    refuse(
      'the config folder',
      dir,
      `its parent ${dirname(dir)} is writable by everyone (mode ${mode(parent)})`,
      'keep the config folder under your home folder',
    );
  }
}

/**
 * A state or config file: when it exists, a regular file of ours, not a symbolic link, that
 * no one else can write. A missing file is fine (it is created 0600 by its owner).
 */
export function assertPrivateStateFile(path: string): void {
  if (!CHECKED) return;
  let stats: Stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  assertPrivate(stats, path);
}

function assertPrivate(stats: Stats, path: string): void {
  if (stats.isSymbolicLink())
    refuse('the state file', path, 'it is a symbolic link', `remove the link (rm ${shellQuote(path)}); spark-style recreates the file`);
  if (!stats.isFile()) refuse('the state file', path, 'it is not a regular file', `move it away (mv ${shellQuote(path)} ${shellQuote(`${path}.old`)})`);
  if (ownedByAnother(stats)) refuse('the state file', path, 'it belongs to another user', `move it away (mv ${shellQuote(path)} ${shellQuote(`${path}.old`)})`);
  if (stats.mode & 0o022) refuse('the state file', path, `other users can write to it (mode ${mode(stats)})`, `chmod 600 ${shellQuote(path)}`);
}

/**
 * Opens a state file without following a symbolic link (O_NOFOLLOW), creating it 0600 when
 * asked, and checks what was opened: the check and the open cannot be raced apart.
 * `flags` are the usual fs.constants (O_RDONLY, O_WRONLY | O_APPEND | O_CREAT, ...).
 */
export function openPrivateStateFile(path: string, flags: number, createMode = 0o600): number {
  let fd: number;
  try {
    fd = openSync(path, flags | (CHECKED ? constants.O_NOFOLLOW : 0), createMode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      refuse('the state file', path, 'it is a symbolic link', `remove the link (rm ${shellQuote(path)}); spark-style recreates the file`);
    throw error;
  }
  try {
    if (CHECKED) assertPrivate(fstatSync(fd), path);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  return fd;
}
