import { basename, extname } from 'node:path';

/**
 * Control characters, folder separators, and what makes a name display other than it is: bidi
 * embeddings, overrides, isolates and marks (U+202E shows "\u202egpj.exe" as "exe.jpg"), and
 * the Unicode line separators.
 */
const UNSAFE_IN_NAME = /[\u0000-\u001f\u007f-\u009f/\\\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

/**
 * A name from local names only: no folder separators, no control or bidi characters, no leading dots.
 * Output names never contain anything the server sent (task ids go through taskIdForName).
 * Length is bounded later, in bytes, where the whole file name is known (output-path.ts).
 */
export function sanitizeStem(name: string): string {
  const cleaned = name.replace(UNSAFE_IN_NAME, '_').replace(/^\.+/, '').trim();
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

/** The longest task id a name makes room for; longer (or odd) ids are not the service's. */
export const TASK_ID_MAX_BYTES = 64;

/** A task id as it may appear in a file name: a safe alphabet, bounded length. */
export function taskIdForName(taskId: string): string {
  const safe = taskId.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, TASK_ID_MAX_BYTES);
  return safe || 'task';
}
