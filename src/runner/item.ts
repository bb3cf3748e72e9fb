import { dirname } from 'node:path';
import type { SparkClient } from '../api/client.js';
import { ProtocolError, TaskFailedError, TaskNotFoundError } from '../api/errors.js';
import { encodeCreateBody, type LogoInfo } from '../api/request-body.js';
import type { Task } from '../api/wire.js';
import type { Clock } from '../core/clock.js';
import { InputError, InterruptedError, isSparkError } from '../core/errors.js';
import { shellCommand } from '../core/shell-quote.js';
import { sha256, type FixOptions } from '../image/prepare.js';
import type { ItemResult, RunnerEvent } from './events.js';
import { COLLECTABLE_FOR_MS, itemKey, type Journal } from './journal.js';
import { inspectDestination } from '../naming/done.js';
import type { PlannedItem } from './plan.js';
import { pollTask } from './poll.js';
import type { PollScheduleOptions } from './poll-schedule.js';
import type { PreparedImageCache } from './prepared-cache.js';
import { saveItemResult, type SavingSettings } from './save.js';

/** Everything about a run that shapes each item. */
export interface RunSettings {
  readonly overwrite: boolean;
  readonly returnUrl: boolean;
  readonly logo: LogoInfo | null;
  readonly timeoutMs: number;
  readonly retryFailed: boolean;
  readonly fix: FixOptions | null;
  /** Provenance and where a result goes when its name cannot take it (runner/save.ts). */
  readonly saving: SavingSettings;
}

export interface ItemContext {
  readonly client: Pick<SparkClient, 'createTask' | 'getTask' | 'downloadResult'>;
  readonly journal: Journal;
  readonly clock: Clock;
  /** Aborted on Ctrl-C: nothing new is created, waiting stops, created tasks stay journaled. */
  readonly interrupt: AbortSignal;
  readonly settings: RunSettings;
  readonly emit: (event: RunnerEvent) => void;
  readonly images: PreparedImageCache;
  readonly pollSchedule?: PollScheduleOptions;
}

/** The options that change a result, as recorded in the journal and hashed into the item key. */
export function resultOptions(settings: RunSettings): Record<string, unknown> {
  return { return_url: settings.returnUrl, logo_info: settings.logo, fix: settings.fix };
}

/**
 * One item from start to finish: skip if done, check and prepare the image, create a task
 * (or collect the one an earlier run created), journal it, wait, download, save.
 * Never throws: every outcome becomes an ItemResult.
 */
export async function runItem(item: PlannedItem, context: ItemContext): Promise<ItemResult> {
  const { client, journal, clock, interrupt, settings, emit, images } = context;
  const notes: string[] = [];
  let taskId: string | null = null;
  let key: string | null = null;
  let created = false;
  let cost: string | null = null;
  let failedEarlier = false;
  const finish = (result: Omit<ItemResult, 'input' | 'style' | 'notes' | 'created' | 'task_id' | 'cost'>): ItemResult => ({
    input: item.input,
    style: item.style.alias,
    task_id: taskId,
    cost,
    created,
    notes,
    ...result,
  });

  let holding: string | null = null;
  const letGo = () => {
    if (holding !== null) images.release(holding);
    holding = null;
  };
  if (item.source.kind === 'file') holding = item.source.path;
  try {
    if (interrupt.aborted) return finish(interruptedResult('not started'));
    emit({ type: 'item-started', item });
    const { source } = item;
    if (source.kind === 'unusable') throw new InputError(source.problem, { code: 'unusable-input' });

    if (item.output) {
      const destination = await inspectDestination(item.output);
      if (destination.state === 'blocked') {
        throw new InputError(`cannot save to ${destination.path}: ${destination.reason}; nothing was sent`, { code: 'output-blocked', hint: 'move it away, or choose another --out or --name' });
      }
      if (destination.state === 'done' && !settings.overwrite) {
        return finish({ status: 'skipped', output: destination.path, error: null, errorKind: null, hint: 'it exists; --overwrite replaces it' });
      }
    }

    const prepared = source.kind === 'file' ? await images.acquire(source.path) : null;
    if (prepared) notes.push(...prepared.changes.map((change) => `fixed: ${change}`), ...prepared.warnings.map((warning) => `warning: ${warning}`));
    const inputSha256 = prepared ? prepared.sha256 : sha256(Buffer.from(item.input));
    key = itemKey({ inputSha256, reqKey: item.style.reqKey, subReqKey: item.style.subReqKey, options: resultOptions(settings) });

    const prior = journal.lookup(key);
    const collectable = prior !== undefined && clock.now() - prior.createdAt < COLLECTABLE_FOR_MS;
    let createdAt: number | undefined;
    let answered: Task | null = null;
    if (collectable && prior.outcome === 'failed' && !settings.retryFailed) {
      taskId = prior.created.task_id;
      failedEarlier = true;
      throw new TaskFailedError(prior.created.task_id, prior.errorCode, 'it failed in an earlier run (nothing new was sent; --retry-failed creates a new task)');
    }
    if (collectable && (prior.outcome === 'open' || (prior.outcome === 'saved' && !settings.overwrite))) {
      taskId = prior.created.task_id;
      emit({ type: 'task-created', item, taskId, reused: true });
    } else {
      if (interrupt.aborted) return finish(interruptedResult('not started'));
      const body = encodeCreateBody({
        style: item.style,
        image: prepared ? { bytes: prepared.bytes } : { url: item.input },
        returnUrl: settings.returnUrl,
        logo: settings.logo,
      });
      // Not given the interrupt signal: a create already on its way finishes and is journaled.
      const task = await client.createTask(body, {
        onRetry: ({ delayMs, error }) => emit({ type: 'retrying', item, delayMs, reason: (error as Error).message }),
      });
      // The image is sent: let its bytes go now rather than hold them through minutes of waiting.
      letGo();
      taskId = task.id;
      answered = task;
      created = true;
      createdAt = clock.now();
      journal.recordCreated({
        task_id: task.id,
        key,
        input: item.input,
        input_sha256: inputSha256,
        style: item.style.alias,
        req_key: item.style.reqKey,
        sub_req_key: item.style.subReqKey,
        options: resultOptions(settings),
        output_base: item.outputBase ?? '',
      });
      emit({ type: 'task-created', item, taskId, reused: false });
    }

    letGo();
    const saveDir = item.outputBase ? dirname(item.outputBase) : '.';
    // A create answered "completed" (a fast or synchronous gateway) needs no polling at all.
    // One deadline for waiting and downloading: a trickling result host cannot hold the run past --timeout.
    const deadline = clock.now() + settings.timeoutMs;
    const done = answered?.state === 'completed' ? answered : await pollTask(client, taskId, {
      clock,
      deadline,
      signal: interrupt,
      createdAt,
      schedule: context.pollSchedule,
      recoveryCommand: shellCommand(['spark-style', 'status', taskId, '--wait', '--save', saveDir]),
      onUpdate: (task) => emit({ type: 'task-progress', item, task }),
    });
    cost = done.cost;
    if (done.results.length === 0) throw new ProtocolError(`task ${taskId} completed without an image`);

    const saved: string[] = [];
    for (const [index, result] of done.results.entries()) {
      const bytes = await client.downloadResult(result, { signal: interrupt, deadline });
      const savedAs = await saveItemResult(item, bytes, { taskId, index, overwrite: settings.overwrite, saving: settings.saving });
      saved.push(savedAs.path);
      notes.push(...savedAs.notes);
    }
    journal.recordFinished({ task_id: taskId, key, outcome: 'saved', output: saved[0] });
    if (done.resultsLeftOut > 0) notes.push(`the task claimed ${done.results.length + done.resultsLeftOut} images; kept the first ${done.results.length}`);
    if (saved.length > 1) notes.push(`the task returned ${saved.length} images: ${saved.slice(1).join(', ')}`);
    return finish({ status: 'saved', output: saved[0]!, error: null, errorKind: null });
  } catch (error) {
    letGo();
    if (error instanceof InterruptedError) return finish(interruptedResult(taskId ? 'still running on the server' : 'not started'));
    if (taskId && key) {
      if (error instanceof TaskFailedError && !failedEarlier) {
        journal.recordFinished({ task_id: taskId, key, outcome: 'failed', error_code: error.seedCode });
      } else if (error instanceof TaskNotFoundError) {
        journal.recordFinished({ task_id: taskId, key, outcome: 'expired' });
      }
    }
    if (isSparkError(error)) {
      return finish({ status: 'failed', output: null, error: { code: error.code, message: error.message }, errorKind: error.kind, hint: error.hint });
    }
    const message = error instanceof Error ? error.message : String(error);
    return finish({ status: 'failed', output: null, error: { code: 'internal', message }, errorKind: 'api' });
  } finally {
    letGo();
  }
}

function interruptedResult(what: string) {
  return {
    status: 'interrupted' as const,
    output: null,
    error: { code: 'interrupted', message: `interrupted: ${what}` },
    errorKind: 'interrupted' as const,
  };
}
