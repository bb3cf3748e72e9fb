import { mkdir, readlink, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.js';

/** A folder that cannot be made, with the reason for people: `cannot create /proc/nope: <reason>`. */
class FolderError extends Error {
  override name = 'FolderError';
  constructor(
    readonly folder: string,
    readonly reason: string,
    readonly code: string,
  ) {
    super(`cannot create ${folder}: ${reason}`);
    this.name = 'FolderError';
  }
}

/**
 * Makes a folder and its missing parents, or throws one FolderError that says why not.
 * Not `mkdir(..., { recursive: true })`: Node 20's recursive mkdir loops forever, at full CPU
 * and deaf to Ctrl-C, where a file system refuses a new folder under one that exists
 * (mkdir("/proc/nope") = ENOENT, mkdir("/proc") = EEXIST, again and again). Here each level is
 * tried at most twice, and a link that points nowhere is named as such.
 */
export async function makeFolder(folder: string, options: { readonly mode?: number } = {}): Promise<void> {
  await makeLevel(folder, folder, options.mode);
}

async function makeLevel(path: string, asked: string, mode: number | undefined): Promise<void> {
  const code = await tryMkdir(path, mode);
  if (code === null) return;
  if (code === 'EEXIST') return existingMustBeFolder(path, asked);
  if (code === 'ENOENT') {
    const parent = dirname(path);
    if (parent === path) throw new FolderError(asked, 'the file system root is missing', code);
    await makeLevel(parent, asked, mode);
    const again = await tryMkdir(path, mode);
    if (again === null) return;
    if (again === 'EEXIST') return existingMustBeFolder(path, asked);
    // The parent is a folder, yet this one cannot be made in it: /proc, /sys and the like.
    if (again === 'ENOENT') throw new FolderError(asked, `${parent} does not take new folders`, again);
    throw new FolderError(asked, reasonFor(again, path, asked), again);
  }
  if (code === 'ENOTDIR') {
    const file = await fileInTheWay(path);
    if (file !== null) throw new FolderError(asked, `${label(file, asked)} is a file, not a folder`, code);
  }
  throw new FolderError(asked, reasonFor(code, path, asked), code);
}

/** The nearest existing part of the path that is not a folder. */
async function fileInTheWay(path: string): Promise<string | null> {
  for (let at = dirname(path); ; at = dirname(at)) {
    const info = await stat(at).catch(() => null);
    if (info && !info.isDirectory()) return at;
    if (info || dirname(at) === at) return null;
  }
}

async function tryMkdir(path: string, mode: number | undefined): Promise<string | null> {
  try {
    await mkdir(path, mode === undefined ? undefined : { mode });
    return null;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? 'EIO';
  }
}

async function existingMustBeFolder(path: string, asked: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory()) return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
    if (code === 'ENOENT') {
      const target = await readlink(path).catch(() => null);
      if (target !== null) throw new FolderError(asked, `${label(path, asked)} is a link to ${target}, which does not exist`, 'ENOENT');
    }
    throw new FolderError(asked, reasonFor(code, path, asked), code);
  }
  throw new FolderError(asked, `${label(path, asked)} is a file, not a folder`, 'ENOTDIR');
}

function label(path: string, asked: string): string {
  return resolve(path) === resolve(asked) ? 'it' : path;
}

function reasonFor(code: string, path: string, asked: string): string {
  const where = resolve(path) === resolve(asked) ? '' : ` (at ${path})`;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied${where}`;
    case 'EROFS':
      return `the file system is read-only${where}`;
    case 'ENOSPC':
      return `no space left on the device${where}`;
    case 'ENOTDIR':
      return `a part of the path is a file, not a folder${where}`;
    case 'ENAMETOOLONG':
      return 'the name is too long';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return `${code}${where}`;
  }
}

/**
 * Before any work (and before anything is paid for): the folder made, or one usage-error line
 * (exit 2). `beforePaying` adds "nothing was sent" so the reader knows no money went.
 */
export async function ensureFolderOrUsageError(folder: string, options: { hint: string; beforePaying: boolean; mode?: number }): Promise<void> {
  try {
    await makeFolder(folder, { mode: options.mode });
  } catch (error) {
    if (!(error instanceof FolderError)) throw error;
    throw new UsageError(`${error.message}${options.beforePaying ? '; nothing was sent' : ''}`, { code: 'output-folder', hint: options.hint });
  }
}
