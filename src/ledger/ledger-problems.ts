import { statSync, type Stats } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../core/errors.js';
import { shellCommand } from '../core/shell-quote.js';

/**
 * What went wrong with the ledger file, told truly, with a next step that never costs money.
 * Moving a ledger aside is right only for a file that is not a ledger at all: said of a full
 * disk or a read-only folder it made people start a new ledger and pay for every task again.
 */
const KEEP_IT = 'keep the ledger: it is what keeps tasks from being paid twice';

function codeOf(error: unknown): string {
  return String((error as { code?: unknown }).code ?? '');
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/** The ledger (or its folder) refused a write: which of the two, read from the mode bits (root ignores them, so they are what a person sees). */
function readOnlyProblem(path: string): UsageError | null {
  const folder = dirname(path);
  const folderStats = statOrNull(folder);
  if (folderStats && !(folderStats.mode & 0o200)) {
    return new UsageError(`the task ledger ${path} cannot be written: its folder ${folder} is read-only; nothing was sent`, {
      code: 'ledger-read-only-folder',
      hint: `make the folder writable (${shellCommand(['chmod', 'u+w', folder])}) and run the same command again; ${KEEP_IT}`,
    });
  }
  const fileStats = statOrNull(path);
  if (fileStats && !(fileStats.mode & 0o200)) {
    return new UsageError(
      `the task ledger ${path} cannot be written: the file is read-only (mode 0${(fileStats.mode & 0o777).toString(8)}); nothing was sent`,
      {
        code: 'ledger-read-only',
        hint: `make it writable (${shellCommand(['chmod', '600', path])}) and run the same command again; ${KEEP_IT}`,
      },
    );
  }
  return null;
}

/**
 * The error a failed open of the ledger becomes: a folder in its place, a full disk, a
 * read-only folder or file, a lock held elsewhere, or (only then) a file that is not a ledger.
 */
export function ledgerOpenProblem(path: string, error: unknown): UsageError {
  if (error instanceof UsageError) return error;
  const code = codeOf(error);
  const message = (error as Error).message ?? String(error);
  if (code === 'EISDIR' || statOrNull(path)?.isDirectory()) {
    return new UsageError(`the task ledger ${path} is a folder, not a file; nothing was sent`, {
      code: 'ledger-is-a-folder',
      hint: `move the folder away (${shellCommand(['mv', path, `${path}.folder`])}); if it holds your ledger as ledger.db, move that file to ${path}`,
    });
  }
  if (code === 'ENOSPC' || code === 'SQLITE_FULL' || /disk is full|no space left/i.test(message)) {
    return new UsageError(`the task ledger ${path} cannot be written: the disk is full; nothing was sent`, {
      code: 'ledger-disk-full',
      hint: `free some space on that disk and run the same command again; ${KEEP_IT}`,
    });
  }
  if (['EACCES', 'EPERM', 'EROFS', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM'].includes(code) || /read-?only|unable to open/i.test(message)) {
    const readOnly = readOnlyProblem(path);
    if (readOnly) return readOnly;
    return new UsageError(`the task ledger ${path} cannot be written (${message}); nothing was sent`, {
      code: 'ledger-not-writable',
      hint: `check that you can write ${dirname(path)} and the ledger in it, then run the same command again; ${KEEP_IT}`,
    });
  }
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new UsageError(`the task ledger ${path} is locked by another process; nothing was sent`, {
      code: 'ledger-locked',
      hint: `wait for the other spark-style run to finish, then run the same command again; ${KEEP_IT}`,
    });
  }
  return new UsageError(`the task ledger ${path} cannot be read: ${message}`, {
    code: 'ledger-unreadable',
    hint: `if it is not a ledger at all, move it aside to start a new one (${shellCommand(['mv', path, `${path}.broken`])}); tasks it knew would then be created, and paid, again`,
  });
}

/** Which file a ledger opened: the same path later naming another file (or none) means it was deleted or replaced. */
const opened = new WeakMap<object, { readonly path: string; readonly dev: number; readonly ino: number }>();

/** Remembers the file a ledger has open, for checkLedgerFile. */
export function watchLedgerFile(ledger: object, path: string): void {
  const stats = statOrNull(path);
  if (stats) opened.set(ledger, { path, dev: stats.dev, ino: stats.ino });
}

/**
 * Before each create: the ledger file must still be the one this run opened. A ledger deleted
 * during a run kept taking writes into the deleted file, and the next run, finding none, paid
 * for everything again; now the run stops creating.
 */
export function checkLedgerFile(ledger: object): void {
  const watched = opened.get(ledger);
  if (!watched) return;
  const now = statOrNull(watched.path);
  if (now && now.dev === watched.dev && now.ino === watched.ino) return;
  throw new UsageError(`the task ledger ${watched.path} was ${now ? 'replaced' : 'deleted'} during the run; no more tasks are created`, {
    code: 'ledger-deleted',
    hint: `restore it if you can (tasks it knew would otherwise be paid again); results already saved are found by name on the next run`,
  });
}
