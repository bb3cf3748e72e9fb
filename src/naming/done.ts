import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RESULT_EXTENSIONS } from './extension.js';
import { resultPath, type PlannedOutput } from './output-path.js';

/**
 * What is at an item's destination, the one answer to "is this item already done?" for the
 * run, the dry run, --max-tasks and every other guard:
 * - done: a result is there, under any extension the tool writes (so nothing is paid twice);
 * - blocked: a folder sits where the result would go; refused before paying, because a
 *   result would have nowhere to go;
 * - free: nothing there yet.
 * With {task} in the template, any task id counts: a file that matches the template with any
 * id means done. (The id of a task not yet created cannot be known, so this is the only
 * answer that lets a second run skip what the first saved.)
 */
type Destination =
  | { readonly state: 'free' }
  | { readonly state: 'done'; readonly path: string }
  | { readonly state: 'blocked'; readonly path: string; readonly reason: string };

/**
 * Whether the task a file name carries is known to be another item's (the ledger knows whose
 * each task is): with `{stem}-{task}`, `IMG_1-edit-<id>.jpg` fits IMG_1's name with the id
 * "edit-<id>", but it is IMG_1-edit's result.
 */
export type TaskOfAnother = (nameId: string) => Promise<boolean>;

export async function inspectDestination(output: PlannedOutput, taskOfAnother?: TaskOfAnother): Promise<Destination> {
  if (output.hasTask) return inspectWithTask(output, taskOfAnother);
  for (const extension of RESULT_EXTENSIONS) {
    const path = resultPath(output, { extension, taskId: null, index: 0 });
    const info = await lstat(path).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOTDIR' ? ('not-a-folder' as const) : null));
    if (info === null) continue;
    if (info === 'not-a-folder') return { state: 'blocked', path, reason: 'a file is where one of its folders should be' };
    if (info.isDirectory()) return { state: 'blocked', path, reason: 'a folder is where the result would be saved' };
    return { state: 'done', path };
  }
  return { state: 'free' };
}

/** Convenience for guards that only ask "done?": the path of the result, or null. */
export async function findSavedResult(output: PlannedOutput): Promise<string | null> {
  const destination = await inspectDestination(output);
  return destination.state === 'done' ? destination.path : null;
}

async function inspectWithTask(output: PlannedOutput, taskOfAnother: TaskOfAnother | undefined): Promise<Destination> {
  let names: string[];
  try {
    names = await readdir(output.folder);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return { state: 'blocked', path: output.folder, reason: 'a file is where its folder should be' };
    return { state: 'free' };
  }
  const pattern = new RegExp(`^${escapeRegExp(output.before)}[A-Za-z0-9_-]{1,64}${escapeRegExp(output.after)}\\.(?:${RESULT_EXTENSIONS.join('|')})$`, 'u');
  // A folder that matches is not in the way: a new task's id gives a new name.
  for (const name of names.filter((candidate) => pattern.test(candidate)).sort()) {
    if (taskOfAnother && (await namesAnothersTask(name, output, taskOfAnother))) continue;
    const path = join(output.folder, name);
    const info = await lstat(path).catch(() => null);
    if (info && !info.isDirectory()) return { state: 'done', path };
  }
  return { state: 'free' };
}

/** The id part of the name, and each tail of it after a "-" or "_" (where another stem's id would start), asked about. */
async function namesAnothersTask(name: string, output: PlannedOutput, taskOfAnother: TaskOfAnother): Promise<boolean> {
  const id = name.slice(output.before.length, name.lastIndexOf('.') - output.after.length);
  const tails = [id, ...[...id.matchAll(/[-_]/g)].map((match) => id.slice(match.index + 1))].filter(Boolean);
  for (const tail of tails) if (await taskOfAnother(tail)) return true;
  return false;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
