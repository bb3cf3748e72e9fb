import type { Style } from '../catalog/styles.js';
import { InputError } from '../core/errors.js';
import { TOOL_VERSION } from '../core/version.js';
import { readCaptureInfo } from '../image/capture-info.js';
import { addProvenance, type Provenance } from '../image/provenance.js';
import { TooManySegmentsError } from '../image/segments.js';
import { extensionOf } from '../naming/extension.js';
import { fallbackPath, resultPath, type PlannedOutput } from '../naming/output-path.js';
import { writeAtomically } from '../naming/write-atomically.js';
import { taskIdForName } from '../naming/stems.js';
import type { InputSource } from './inputs.js';

/** How results are saved: the run's choices, the same for every item. */
export interface SavingSettings {
  /** Copy the capture date and mark the result as AI-made (false: --no-provenance). */
  readonly provenance: boolean;
  /** With provenance: also copy the original's GPS (--keep-gps). */
  readonly keepGps: boolean;
  /** The last place a paid result can go when its folder cannot take it: the state folder. */
  readonly rescueFolder: string | null;
}

export interface SaveRequest {
  readonly output: PlannedOutput;
  /** The result exactly as the service sent it. */
  readonly bytes: Buffer;
  readonly taskId: string | null;
  /** 0 for a task's first image; the second gets "-2", and so on. */
  readonly index: number;
  readonly overwrite: boolean;
  /** Null: saved exactly as received. */
  readonly provenance: Provenance | null;
  readonly rescueFolder: string | null;
}

export interface SavedResult {
  readonly path: string;
  /** True when the planned name could not take it and it went to a fallback. */
  readonly fallback: boolean;
  /** For people: where it went instead and why, or why it carries no provenance. */
  readonly notes: readonly string[];
}

/**
 * Saves a paid result, and never drops it: under its planned name; if that fails (a name too
 * long for this file system, a folder in the way, a file where a folder should be, ...), as
 * `<task id>.<ext>` in the output folder; then in the state folder. Only when all three fail
 * does it throw, saying how to collect the result again.
 */
export async function saveResult(request: SaveRequest): Promise<SavedResult> {
  const notes: string[] = [];
  let bytes = request.bytes;
  if (request.provenance) {
    const marked = safely(() => addProvenance(request.bytes, request.provenance!));
    if (marked instanceof Buffer) bytes = marked;
    else notes.push(`saved as received, without provenance (${marked ?? `not possible losslessly for this ${extensionOf(request.bytes)} result`})`);
  }
  const result = { extension: extensionOf(request.bytes), taskId: request.taskId, index: request.index };
  const planned = resultPath(request.output, result);
  let firstError: NodeJS.ErrnoException;
  try {
    return { path: await writeAtomically(planned, bytes, request.overwrite), fallback: false, notes };
  } catch (error) {
    firstError = error as NodeJS.ErrnoException;
  }
  const places = [request.output.root, ...(request.rescueFolder ? [request.rescueFolder] : [])];
  for (const folder of places) {
    try {
      const path = await writeAtomically(fallbackPath(folder, result), bytes, false);
      notes.push(`could not save it as ${planned} (${firstError.code ?? firstError.message}); saved it as ${path} instead`);
      return { path, fallback: true, notes };
    } catch {
      // the next place
    }
  }
  throw new InputError(
    `the result of task ${request.taskId ?? '(unknown)'} could not be saved as ${planned}, nor in ${places.join(' or ')}: ${firstError.message}`,
    {
      code: 'save-failed',
      hint: request.taskId
        ? `free some space, then collect it (within 24 hours): spark-style status ${taskIdForName(request.taskId)} --save <folder>`
        : undefined,
    },
  );
}

/** The marked bytes, or why not: a reason worth telling (too many segments), or null. */
function safely(make: () => Buffer | null): Buffer | string | null {
  try {
    return make();
  } catch (error) {
    // A result we cannot add to is still a result: saved as received.
    return error instanceof TooManySegmentsError ? error.message : null;
  }
}

/** The provenance a stylized input's result carries, read from the original (its header only). */
export async function provenanceFor(source: InputSource, style: Style, taskId: string | null, settings: SavingSettings): Promise<Provenance | null> {
  if (!settings.provenance) return null;
  const capture = source.kind === 'file' ? await readCaptureInfo(source.path) : null;
  const subReqKey = style.subReqKey ? `; sub_req_key ${style.subReqKey}` : '';
  return {
    capture,
    keepGps: settings.keepGps,
    creatorTool: `spark-style ${TOOL_VERSION}`,
    description: `Stylized by spark-style ${TOOL_VERSION} with the Vtrix Spark Style Template API: style ${style.alias} (${style.name}); req_key ${style.reqKey}${subReqKey}; task ${taskId ? taskIdForName(taskId) : 'unknown'}`,
  };
}

/** What an item's save loop calls for each image of its task. */
export async function saveItemResult(
  item: { readonly source: InputSource; readonly style: Style; readonly output: PlannedOutput | null },
  bytes: Buffer,
  options: { readonly taskId: string | null; readonly index: number; readonly overwrite: boolean; readonly saving: SavingSettings },
): Promise<SavedResult> {
  if (!item.output) throw new InputError('this item has no output name', { code: 'internal' });
  return saveResult({
    output: item.output,
    bytes,
    taskId: options.taskId,
    index: options.index,
    overwrite: options.overwrite,
    provenance: await provenanceFor(item.source, item.style, options.taskId, options.saving),
    rescueFolder: options.saving.rescueFolder,
  });
}
