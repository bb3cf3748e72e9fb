import { basename } from 'node:path';
import type { Task } from '../api/wire.js';
import { resolveStyle } from '../catalog/styles.js';
import { isSparkError } from '../core/errors.js';
import { shellCommand } from '../core/shell-quote.js';
import type { Ledger, LedgerEntry } from '../ledger/ledger.js';
import { outputInFolder } from '../naming/output-path.js';
import { collectUnderClaim } from '../runner/collect-claimed.js';
import { isUrl } from '../runner/inputs.js';
import { pollTask } from '../runner/poll.js';
import { provenanceFor, saveResult } from '../runner/save.js';
import { verifyImage } from '../runner/verify-result.js';
import type { Connection } from './connection.js';
import { resolveTimeout } from './run-options.js';
import { openLedger, rescueFolder, type EngineState } from './state.js';
import type { StatusOptions, TaskReport, TaskStatus } from './types.js';

/**
 * `status`: each task looked up by id through the same connection as a run (the emulator's,
 * offline), waited for and saved in turn; a task that cannot be looked up is a report, not an error.
 */
export async function statusOf(state: EngineState, taskIds: readonly string[], options: StatusOptions): Promise<TaskStatus[]> {
  const timeoutMs = resolveTimeout(options.timeout);
  // Only saving records anything: a look-up leaves no ledger behind where there was none.
  const handle = await openLedger(state, { lookOnly: !options.save });
  try {
    const connection = await state.connect(state.target, { log: state.log, clock: state.clock });
    try {
      const reports: TaskStatus[] = [];
      for (const taskId of taskIds) reports.push(await oneTask({ state, connection, ledger: handle.ledger, options, timeoutMs }, taskId));
      return reports;
    } finally {
      await connection.close();
    }
  } finally {
    await handle.close();
  }
}

interface StatusParts {
  readonly state: EngineState;
  readonly connection: Connection;
  readonly ledger: Ledger;
  readonly options: StatusOptions;
  readonly timeoutMs: number;
}

async function oneTask(parts: StatusParts, taskId: string): Promise<TaskStatus> {
  try {
    return await reportOf(parts, taskId);
  } catch (error) {
    if (!isSparkError(error)) throw error;
    return { task_id: taskId, status: 'error', error: { code: error.code, message: error.message }, hint: error.hint, errorKind: error.kind };
  }
}

async function reportOf(parts: StatusParts, taskId: string): Promise<TaskReport> {
  const { connection, options, state } = parts;
  const signal = options.signal;
  // --timeout bounds the downloads of --save too: a trickling result host cannot hold the command.
  const deadline = state.clock.now() + parts.timeoutMs;
  const task = options.wait ? await waitFor(parts, taskId, deadline) : await connection.client.getTask(taskId, { signal });
  const notes: string[] = [];
  const saved = options.save && task.state === 'completed' ? await saveCompleted(parts, task, taskId, { folder: options.save, deadline, notes }) : [];
  return {
    task_id: task.id,
    status: task.status,
    progress: task.progress,
    cost: task.cost,
    results: task.results.map((result) => (result.kind === 'url' ? result.url : '(inline base64 image)')),
    error: task.error,
    saved,
    ...(task.resultsLeftOut > 0 ? { results_left_out: task.resultsLeftOut } : {}),
    ...(notes.length ? { notes } : {}),
  };
}

async function waitFor({ connection, options, state }: StatusParts, taskId: string, deadline: number): Promise<Task> {
  const signal = options.signal;
  return pollTask(connection.client, taskId, {
    clock: state.clock,
    deadline,
    signal,
    recoveryCommand: shellCommand(['spark-style', 'status', taskId, '--wait', ...(options.save ? ['--save', options.save] : [])]),
    onUpdate: (update) => options.onProgress?.({ taskId, status: update.status, progress: update.progress }),
  }).catch((error: unknown) => {
    // A failed task is a report, not an error of this command.
    if (isSparkError(error) && error.kind === 'task-failed') return connection.client.getTask(taskId, { signal });
    throw error;
  });
}

/**
 * --save of a completed task: named as stylize would have named it when the ledger knows the
 * task (and then under the item's claim, runner/collect-claimed.ts), else by its id.
 */
async function saveCompleted(parts: StatusParts, task: Task, taskId: string, to: { folder: string; deadline: number; notes: string[] }): Promise<string[]> {
  const { connection, ledger, options, state } = parts;
  const known = await ledger.findTask(taskId);
  const output = outputInFolder(to.folder, known?.outputBase ? basename(known.outputBase) : null);
  const provenance = known ? await provenanceOfRecorded(known, taskId) : null;
  const download = async (): Promise<string[]> => {
    const paths: string[] = [];
    for (const [index, result] of task.results.entries()) {
      const bytes = await connection.client.downloadResult(result, { signal: options.signal, deadline: to.deadline });
      // Saved only when the bytes decode as an image: never a .bin of somebody's error page.
      await verifyImage(bytes);
      const overwrite = options.overwrite === true;
      const savedAs = await saveResult({ output, bytes, taskId, index, overwrite, provenance, rescueFolder: rescueFolder(state) });
      paths.push(savedAs.path);
      to.notes.push(...savedAs.notes);
    }
    return paths;
  };
  const collected = known ? await collectUnderClaim(ledger, known, to.folder, download) : { saved: await download(), note: null };
  if (collected.note) to.notes.push(collected.note);
  if (known && collected.saved.length) await ledger.recordSaved(taskId, collected.saved[0]!, task.cost);
  return collected.saved;
}

/** A result collected by id carries the provenance stylize would have given it (its default: no GPS). */
async function provenanceOfRecorded(known: LedgerEntry, taskId: string) {
  try {
    const source = isUrl(known.input) ? ({ kind: 'url', url: known.input } as const) : ({ kind: 'file', path: known.input, relativeDir: '' } as const);
    return await provenanceFor(source, resolveStyle(known.style), taskId, { provenance: true, keepGps: false, rescueFolder: null });
  } catch {
    return null; // a ledger row from another version: save the result as received
  }
}
