import { access } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';

/** Extensions a result may have been saved with; an existing one means "already done". */
const RESULT_EXTENSIONS = ['jpg', 'png', 'webp', 'jpeg', 'gif'];

/**
 * A file-name stem from local names only: no folder separators, no control characters, no
 * leading dots, bounded length. Output names never contain anything the server sent.
 */
export function sanitizeStem(name: string): string {
  const cleaned = name
    .replace(/[\u0000-\u001f\u007f/\\]/g, '_')
    .replace(/^\.+/, '')
    .trim()
    .slice(0, 120);
  return cleaned || 'image';
}

export function stemOfPath(path: string): string {
  return sanitizeStem(basename(path, extname(path)));
}

export function stemOfUrl(url: string): string {
  let segment = '';
  try {
    const parsed = new URL(url);
    segment = parsed.pathname.split('/').filter(Boolean).pop() ?? '';
    segment = decodeURIComponent(segment);
  } catch {
    segment = '';
  }
  return sanitizeStem(basename(segment, extname(segment)) || 'image');
}

/** `<folder>/<stem>.<alias>`, the extension added once the result's bytes are known. */
export function outputBase(folder: string, stem: string, alias: string): string {
  return join(folder, `${stem}.${alias}`);
}

export async function existingOutput(base: string): Promise<string | null> {
  for (const extension of RESULT_EXTENSIONS) {
    const candidate = `${base}.${extension}`;
    try {
      await access(candidate);
      return candidate;
    } catch {
      // not there: try the next extension
    }
  }
  return null;
}
