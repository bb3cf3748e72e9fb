import { join, relative, resolve, isAbsolute } from 'node:path';
import { UsageError } from '../core/errors.js';
import { byteLength, NAME_MAX_BYTES, NAME_SUFFIX_RESERVE_BYTES, PATH_MAX_BYTES, shortenStem } from './name-bytes.js';
import { LONGEST_EXTENSION_BYTES } from './extension.js';
import type { ExpandedName } from './template.js';
import { TASK_ID_MAX_BYTES, taskIdForName } from './stems.js';

/**
 * Where one item's result goes, decided before anything is sent. The file is
 * `folder/` + before + (task id, when the template has {task}) + after + (`-N`) + `.ext`.
 */
export interface PlannedOutput {
  /** The output folder the template is relative to; a result never lands outside it. */
  readonly root: string;
  readonly folder: string;
  readonly before: string;
  readonly after: string;
  readonly hasTask: boolean;
}

export function plannedOutput(root: string, name: ExpandedName): PlannedOutput {
  const output: PlannedOutput = { root, folder: join(root, ...name.folders), before: name.before, after: name.after, hasTask: name.hasTask };
  const inside = relative(resolve(root), resolve(output.folder));
  if (inside.startsWith('..') || isAbsolute(inside)) {
    throw new UsageError(`${describeOutput(output)} would be outside the output folder ${root}`, { code: 'name-template' });
  }
  if (byteLength(resolve(describeOutput(output))) + 80 > PATH_MAX_BYTES) {
    throw new UsageError(`${describeOutput(output)}: the path is longer than the file system allows (${PATH_MAX_BYTES} bytes)`, { code: 'name-too-long' });
  }
  return output;
}

/** The planned name for people and the ledger: no extension, "{task}" where the id goes. */
export function describeOutput(output: PlannedOutput): string {
  return join(output.folder, `${output.before}${output.hasTask ? '{task}' : ''}${output.after}`);
}

/** The path of a task's result: `index` 0 is its first image, 1 gets "-2", and so on. */
export function resultPath(output: PlannedOutput, result: { extension: string; taskId: string | null; index: number }): string {
  const task = output.hasTask ? taskIdForName(result.taskId ?? 'task') : '';
  const number = result.index === 0 ? '' : `-${result.index + 1}`;
  return join(output.folder, `${output.before}${task}${output.after}${number}.${result.extension}`);
}

/** The next free name when `path` is taken: "-n" before the extension (room is kept for it, see name-bytes.ts). */
export function numberedPath(path: string, n: number): string {
  const dot = path.lastIndexOf('.');
  return dot > path.lastIndexOf('/') ? `${path.slice(0, dot)}-${n}${path.slice(dot)}` : `${path}-${n}`;
}

/** Where a result goes when its planned name cannot take it: named by its task, never lost. */
export function fallbackPath(folder: string, result: { extension: string; taskId: string | null; index: number }): string {
  const number = result.index === 0 ? '' : `-${result.index + 1}`;
  return join(folder, `${taskIdForName(result.taskId ?? 'result')}${number}.${result.extension}`);
}

/**
 * An output in one folder with a fixed name (no template): `check --fix` copies, and
 * `status --save`, which names a result as the ledger planned it ("{task}" filled in) or,
 * for a task the ledger does not know, by its id. Fitted to the byte limit like every name.
 */
export function outputInFolder(folder: string, name: string | null): PlannedOutput {
  if (name === null) return { root: folder, folder, before: '', after: '', hasTask: true };
  const at = name.indexOf('{task}');
  const room = NAME_MAX_BYTES - NAME_SUFFIX_RESERVE_BYTES - 1 - LONGEST_EXTENSION_BYTES;
  if (at === -1) return { root: folder, folder, before: shortenStem(name, room), after: '', hasTask: false };
  const before = name.slice(0, at);
  const after = name.slice(at + '{task}'.length);
  if (byteLength(before + after) + TASK_ID_MAX_BYTES <= room) return { root: folder, folder, before, after, hasTask: true };
  return { root: folder, folder, before: `${shortenStem(before + after, room - TASK_ID_MAX_BYTES - 1)}.`, after: '', hasTask: true };
}
