import { existsSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { extname, isAbsolute, join, relative, sep } from 'node:path';
import { glob, isDynamicPattern } from 'tinyglobby';
import { isSparkStyleResult, MARK_WINDOW } from '../image/provenance-mark.js';
import { isMarkedSheet } from '../sheet/marker.js';
import { isSampleName, resolveSample } from './samples.js';

/**
 * What `stylize` was given, turned into a flat list: files, directories (top level, or all
 * levels with --recursive), quoted glob patterns, http(s) URLs, and `-` for paths on stdin.
 * A name that cannot be used stays in the list with its problem, so every input gets a
 * result line.
 */
export type InputSource =
  /** `sample`: a bundled photo named `sample:<name>`; its results go to the current folder, not into the package. */
  | { readonly kind: 'file'; readonly path: string; readonly relativeDir: string; readonly sample?: boolean }
  | { readonly kind: 'url'; readonly url: string }
  | { readonly kind: 'unusable'; readonly label: string; readonly problem: string };

const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.heic', '.heif', '.avif', '.tif', '.tiff', '.gif', '.bmp']);

export function isUrl(text: string): boolean {
  return /^https?:\/\//i.test(text);
}

export interface ExpandOptions {
  readonly recursive: boolean;
  readonly readStdin: () => Promise<string>;
  /** A file a folder or pattern found and left out, with why (a contact sheet or a result spark-style made). */
  readonly onLeftOut?: (path: string, why: string) => void;
}

export async function expandInputs(args: readonly string[], options: ExpandOptions): Promise<InputSource[]> {
  const sources: InputSource[] = [];
  for (const arg of args) {
    if (arg === '-') {
      const lines = (await options.readStdin())
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter(Boolean);
      // Lines from stdin are names, never patterns: a file called "a[1].jpg" must stay itself.
      for (const line of lines) sources.push(...(await expandOne(line, options, false)));
    } else {
      sources.push(...(await expandOne(arg, options, true)));
    }
  }
  return sources;
}

const SHEET_NOTE = 'a contact sheet made by spark-style, not a photo (name the file itself to stylize it)';
const RESULT_NOTE = 'a result made by spark-style, not a photo (name the file itself to stylize it)';

/**
 * A sheet, or a result saved beside the photos, would otherwise be found by the next
 * `stylize photos/` and paid for in every style. Only found files are left out: a file named
 * on its own is asked for. One read of each file's head tells (its sheet comment, its
 * provenance XMP); the buffers are shared by all the files of one expansion.
 */
async function withoutOwnFiles(found: InputSource[], options: ExpandOptions): Promise<InputSource[]> {
  const kept: InputSource[] = [];
  const buffers = { head: Buffer.alloc(MARK_WINDOW), scratch: Buffer.alloc(MARK_WINDOW) };
  for (const source of found) {
    const why = source.kind === 'file' ? await whyLeftOut(source.path, buffers) : null;
    if (why !== null) options.onLeftOut?.((source as { path: string }).path, why);
    else kept.push(source);
  }
  return kept;
}

async function whyLeftOut(path: string, buffers: { head: Buffer; scratch: Buffer }): Promise<string | null> {
  try {
    const handle = await open(path, 'r');
    try {
      const { bytesRead } = await handle.read(buffers.head, 0, buffers.head.length, 0);
      const head = buffers.head.subarray(0, bytesRead);
      if (isMarkedSheet(head)) return SHEET_NOTE;
      if (await isSparkStyleResult(handle, head, buffers.scratch)) return RESULT_NOTE;
      return null;
    } finally {
      await handle.close();
    }
  } catch {
    return null; // unreadable files are reported by the image check
  }
}

async function expandOne(arg: string, options: ExpandOptions, allowGlob: boolean): Promise<InputSource[]> {
  const recursive = options.recursive;
  if (isUrl(arg)) return [{ kind: 'url', url: arg }];
  if (isSampleName(arg) && !existsSync(arg)) {
    const sample = resolveSample(arg);
    return ['path' in sample ? { kind: 'file', path: sample.path, relativeDir: '', sample: true } : { kind: 'unusable', label: arg, problem: sample.problem }];
  }
  const info = await stat(arg).catch(() => null);
  if (info?.isDirectory()) {
    const found = await withoutOwnFiles(await listDirectory(arg, recursive), options);
    const hint = recursive ? '' : ' (add --recursive to look in subfolders)';
    return found.length ? found : [{ kind: 'unusable', label: arg, problem: `no image files in this folder${hint}` }];
  }
  if (!info && allowGlob && isDynamicPattern(arg)) {
    // Matches are shown the way the pattern was written: absolute for an absolute pattern.
    const matches = (await glob(arg, { onlyFiles: true, dot: false, expandDirectories: false, absolute: isAbsolute(arg) })).sort();
    if (matches.length === 0) return [{ kind: 'unusable', label: arg, problem: 'no files match this pattern' }];
    const found = await withoutOwnFiles(
      matches.map((path) => ({ kind: 'file', path, relativeDir: '' })),
      options,
    );
    return found.length ? found : [{ kind: 'unusable', label: arg, problem: 'only contact sheets and results made by spark-style match this pattern' }];
  }
  // Missing, unreadable or odd files are reported by the image check, one line each.
  return [{ kind: 'file', path: arg, relativeDir: '' }];
}

async function listDirectory(root: string, recursive: boolean): Promise<InputSource[]> {
  const found: InputSource[] = [];
  const walk = async (folder: string): Promise<void> => {
    // Names as bytes: a name that is not valid UTF-8 cannot be opened through a JS string.
    const entries = await readdir(folder, { withFileTypes: true, encoding: 'buffer' });
    entries.sort((a, b) => Buffer.compare(a.name, b.name));
    for (const entry of entries) {
      const name = entry.name.toString('utf8');
      const path = join(folder, name);
      if (!Buffer.from(name, 'utf8').equals(entry.name)) {
        found.push({ kind: 'unusable', label: path, problem: 'the file name is not valid UTF-8; rename the file' });
        continue;
      }
      if (name.startsWith('.')) continue;
      if (entry.isDirectory()) {
        if (recursive) await walk(path);
        continue;
      }
      if (!entry.isFile() && !entry.isSymbolicLink()) continue;
      if (IMAGE_EXTENSIONS.has(extname(name).toLowerCase()) || (await looksLikeImage(path))) {
        const relativeDir = relative(root, folder);
        found.push({ kind: 'file', path, relativeDir: relativeDir === '' ? '' : relativeDir.split(sep).join('/') });
      }
    }
  };
  await walk(root);
  return found;
}

/** Files without a known extension are picked up by their first bytes. */
async function looksLikeImage(path: string): Promise<boolean> {
  try {
    const info = await stat(path);
    if (!info.isFile() || info.size < 12) return false;
    const handle = await open(path, 'r');
    try {
      const head = Buffer.alloc(12);
      await handle.read(head, 0, 12, 0);
      return (
        (head[0] === 0xff && head[1] === 0xd8) ||
        head.toString('latin1', 1, 4) === 'PNG' ||
        (head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP') ||
        head.toString('latin1', 4, 8) === 'ftyp' ||
        head.toString('latin1', 0, 3) === 'GIF' ||
        head.toString('latin1', 0, 2) === 'II' ||
        head.toString('latin1', 0, 2) === 'MM'
      );
    } finally {
      await handle.close();
    }
  } catch {
    return false;
  }
}
