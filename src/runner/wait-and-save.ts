import { dirname } from 'node:path';
import type { SparkClient } from '../api/client.js';
import { ProtocolError, TaskFailedError, TaskNotFoundError, WaitTimeoutError } from '../api/errors.js';
import { READ_POLICY, backoffDelay } from '../api/retry.js';
import type { ResultImage, Task } from '../api/wire.js';
import type { Clock } from '../core/clock.js';
import { SparkError } from '../core/errors.js';
import { shellCommand } from '../core/shell-quote.js';
import type { Ledger } from '../ledger/ledger.js';
import type { RunnerEvent } from './events.js';
import type { PlannedItem } from './plan.js';
import { recordNotFound } from './not-found.js';
import { pollTask } from './poll.js';
import type { PollScheduleOptions } from './poll-schedule.js';
import type { RunSettings } from './run-settings.js';
import { saveItemResult } from './save.js';
import { NotAnImageError, verifyImage } from './verify-result.js';

export interface WaitContext {
  readonly client: Pick<SparkClient, 'getTask' | 'downloadResult'>;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly interrupt: AbortSignal;
  readonly settings: RunSettings;
  readonly emit: (event: RunnerEvent) => void;
  readonly pollSchedule?: PollScheduleOptions;
  /** Flags `spark-style status` needs to reach the same service (--base-url), for recovery commands. */
  readonly statusFlags?: readonly string[];
  /** --offline: the emulator stops with the run, so there is no task to collect later. */
  readonly offline?: boolean;
}

export interface Saved {
  /** Every file written, the first one being the item's result. */
  readonly outputs: readonly string[];
  readonly cost: string | null;
  /** For people: a fallback name, results left out, provenance that could not be added. */
  readonly notes: readonly string[];
}

/** Downloads that are not an image are tried this many times before the item fails. */
const RESULT_ATTEMPTS = 3;

/**
 * Waits for a task, downloads its results, checks they are images and saves them; records
 * the outcome in the ledger (saved, failed, expired). A result that is not an image leaves
 * the task open, so the next run collects it without paying.
 */
export async function waitAndSave(
  item: PlannedItem,
  taskId: string,
  answered: Task | null,
  createdAt: number | undefined,
  context: WaitContext,
): Promise<Saved> {
  const { client, ledger, clock, interrupt, settings } = context;
  // One deadline for waiting and downloading: a trickling result host cannot hold the run past --timeout.
  const deadline = clock.now() + settings.timeoutMs;
  let done: Task;
  try {
    // A create answered "completed" (a fast or synchronous gateway) needs no polling at all.
    done =
      answered?.state === 'completed'
        ? answered
        : await pollTask(client, taskId, {
            clock,
            deadline,
            signal: interrupt,
            createdAt,
            schedule: context.pollSchedule,
            recoveryCommand: recoveryCommand(item, taskId, context.statusFlags),
            onUpdate: (task) => context.emit({ type: 'task-progress', item, task }),
          });
  } catch (error) {
    // The task's own error is the one to report; a ledger that cannot take it changes nothing the user can do.
    if (error instanceof TaskNotFoundError) throw await recordNotFound(error, taskId, ledger, clock.now(), createdAt);
    if (error instanceof TaskFailedError) await bestEffort(() => ledger.recordFailed(taskId, error.seedCode));
    if (context.offline && error instanceof WaitTimeoutError) throw offlineTimeout(taskId, settings.timeoutMs);
    throw error;
  }
  if (done.results.length === 0) throw new ProtocolError(`task ${taskId} completed without an image`);

  const outputs: string[] = [];
  const notes: string[] = [];
  for (const [index, result] of done.results.entries()) {
    const bytes = await downloadImage(item, result, deadline, context).catch((error: unknown) => {
      throw context.offline ? error : withCollectHint(error, recoveryCommand(item, taskId, context.statusFlags));
    });
    const saved = await saveItemResult(item, bytes, { taskId, index, overwrite: settings.overwrite, saving: settings.saving });
    outputs.push(saved.path);
    notes.push(...saved.notes);
  }
  const unrecorded = await bestEffort(() => ledger.recordSaved(taskId, outputs[0]!, done.cost));
  // The result is on disk, which is what the next run looks at first: it is saved, whatever the ledger says.
  if (unrecorded) notes.push(unrecordedNote(taskId, outputs[0]!, unrecorded, await ledger.findTask(taskId).catch(() => undefined)));
  if (done.resultsLeftOut > 0) notes.push(`the task claimed ${done.results.length + done.resultsLeftOut} images; kept the first ${done.results.length}`);
  return { outputs, cost: done.cost, notes };
}

/**
 * A download that did not complete (cut off by --timeout, a host that stopped answering) leaves
 * a finished task that costs nothing more to collect: the error says how. The same error,
 * class and exit code kept, with that hint.
 */
function withCollectHint(error: unknown, command: string): unknown {
  if (!(error instanceof SparkError) || error.kind !== 'network') return error;
  const hint = `the task is finished: collect its result (free, within 24 hours) with: ${command}`;
  const copy = Object.create(Object.getPrototypeOf(error) as object, Object.getOwnPropertyDescriptors(error)) as SparkError;
  Object.defineProperty(copy, 'hint', { value: hint, enumerable: true });
  return copy;
}

/**
 * A saved result the ledger could not take (a lock held by another process until past the end
 * of the run, a full disk): what the ledger holds now, and why that costs nothing.
 */
function unrecordedNote(taskId: string, output: string, error: Error, row: { readonly status: string } | undefined): string {
  const holds = row
    ? `it still says "${row.status}" for the task`
    : 'it still says "outcome unknown" for this item, without the task id (doctor and history will list it as unknown)';
  return `warning: saved, but the ledger could not record task ${taskId} (${error.message}): ${holds}; nothing is paid again, as the next run finds ${output} by name`;
}

/** Runs a ledger write; returns its error instead of throwing it. */
async function bestEffort(write: () => Promise<void>): Promise<Error | null> {
  try {
    await write();
    return null;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/** The command that collects a task later into the item's folder, against the same service (never with the key). */
export function recoveryCommand(item: PlannedItem, taskId: string, statusFlags: readonly string[] = []): string {
  const saveDir = item.outputBase ? dirname(item.outputBase) : '.';
  return shellCommand(['spark-style', 'status', taskId, '--wait', '--save', saveDir, ...statusFlags]);
}

/** A timeout in an --offline run: `status --wait` cannot reach an emulator that ended with the run; the same command can. */
function offlineTimeout(taskId: string, timeoutMs: number): SparkError {
  return new SparkError(
    'timeout',
    `gave up waiting for task ${taskId} after ${Math.round(timeoutMs / 1000)} s (--timeout); the offline emulator stops with this run`,
    {
      code: 'timeout',
      hint: 'running the same command again redoes it (free, as every --offline task is)',
    },
  );
}

/** A result's bytes once they decode as an image: anything else is retried as a transient fault. */
async function downloadImage(item: PlannedItem, result: ResultImage, deadline: number, context: WaitContext): Promise<Buffer> {
  const attempts = result.kind === 'url' ? RESULT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const bytes = await context.client.downloadResult(result, { signal: context.interrupt, deadline });
    try {
      await verifyImage(bytes);
      return bytes;
    } catch (error) {
      if (!(error instanceof NotAnImageError) || attempt >= attempts) throw error;
      const delayMs = backoffDelay(READ_POLICY, attempt, () => 0.5);
      context.emit({ type: 'retrying', item, delayMs, reason: error.message });
      await context.clock.sleep(delayMs, context.interrupt);
    }
  }
}
