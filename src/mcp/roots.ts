import { realpath, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep, dirname, basename, join } from 'node:path';

/**
 * An MCP caller is untrusted: it may only name files under the folders given with --root.
 * Every path is resolved after symlinks before anything reads it, so `~/.ssh/id_rsa`, or a
 * symlink to it renamed `.jpg` inside a root, is refused before a byte of it is read or sent.
 */
export class RootError extends Error {
  override name = 'RootError';
  readonly code = 'outside-roots';
}

export class Roots {
  private constructor(readonly folders: readonly string[]) {}

  /** The --root folders (default: the working folder), each resolved once; each must exist. */
  static async of(folders: readonly string[], cwd: string): Promise<Roots> {
    const resolved: string[] = [];
    for (const folder of folders.length ? folders : [cwd]) {
      const real = await realpath(resolve(cwd, folder)).catch(() => null);
      if (real === null || !(await stat(real)).isDirectory()) throw new RootError(`--root ${folder}: not an existing folder`);
      resolved.push(real);
    }
    return new Roots(resolved);
  }

  /** True when `real` (already resolved) is one of the roots or inside one. */
  contains(real: string): boolean {
    return this.folders.some((root) => isWithin(real, root));
  }

  /**
   * The real path of an input the caller named (relative names are taken from the first
   * root). Refused when it resolves outside every root, when it does not exist, or when it
   * is neither a file nor a folder (a device, a FIFO that would block the read).
   */
  async input(path: string): Promise<{ real: string; isFolder: boolean }> {
    const wanted = this.absolute(path);
    const real = await realpath(wanted).catch(() => null);
    if (real === null) throw new RootError(`${path}: no such file or folder under the allowed roots`);
    if (!this.contains(real)) throw new RootError(`${path}: outside the allowed roots (${this.folders.join(', ')}); nothing was read`);
    const info = await stat(real);
    if (!info.isFile() && !info.isDirectory()) throw new RootError(`${path}: not a regular file or folder; nothing was read`);
    return { real, isFolder: info.isDirectory() };
  }

  /**
   * The real path of an output folder, which may not exist yet: its nearest existing
   * ancestor is resolved after symlinks and the rest appended, and the whole must lie in
   * `allowed` (the --out folder when given, else the roots).
   */
  async outputFolder(path: string, allowed: readonly string[] = this.folders): Promise<string> {
    const wanted = this.absolute(path);
    let existing = wanted;
    const rest: string[] = [];
    for (;;) {
      const real = await realpath(existing).catch(() => null);
      if (real !== null) {
        const full = join(real, ...rest.reverse());
        if (rest.includes('..') || !allowed.some((folder) => isWithin(full, folder))) {
          throw new RootError(`${path}: outputs may only go under ${allowed.join(', ')}; nothing was sent`);
        }
        return full;
      }
      if (dirname(existing) === existing) throw new RootError(`${path}: no such folder`);
      rest.push(basename(existing));
      existing = dirname(existing);
    }
  }

  private absolute(path: string): string {
    if (path.includes('\0')) throw new RootError('a path may not contain a NUL character');
    return isAbsolute(path) ? resolve(path) : resolve(this.folders[0]!, path);
  }
}

/** `child` is `parent` or inside it (both already resolved). */
export function isWithin(child: string, parent: string): boolean {
  const path = relative(parent, child);
  return path === '' || (!path.startsWith(`..${sep}`) && path !== '..' && !isAbsolute(path));
}
