import type { SparkClient } from '../api/client.js';
import type { Task } from '../api/wire.js';
import type { Clock } from '../core/clock.js';
import { InterruptedError, isSparkError } from '../core/errors.js';
import type { PreparedImage } from '../image/prepare.js';
import type { Ledger } from '../ledger/ledger.js';
import { parseUsd, type Reservation, type SpendBudget } from './budget.js';
import { createAndRecord, provesNothingCreated, type UnrecordedAnswer } from './create-and-record.js';
import { decide, type Decision } from './decide.js';
import { failureHint } from './failure-hint.js';
import type { ItemResult, RunnerEvent } from './events.js';
import { gatherFacts } from './item-facts.js';
import type { PlannedItem } from './plan.js';
import type { PollScheduleOptions } from './poll-schedule.js';
import type { PreparedImageCache } from './prepared-cache.js';
import type { RunSettings } from './run-settings.js';
import type { TaskQuota } from './task-quota.js';
import { waitAndSave } from './wait-and-save.js';

export interface ItemContext {
  readonly client: Pick<SparkClient, 'createTask' | 'getTask' | 'downloadResult'>;
  readonly ledger: Ledger;
  readonly clock: Clock;
  /** Aborted on Ctrl-C: nothing new is created, waiting stops, created tasks stay in the ledger. */
  readonly interrupt: AbortSignal;
  readonly settings: RunSettings;
  readonly emit: (event: RunnerEvent) => void;
  readonly images: PreparedImageCache;
  readonly pollSchedule?: PollScheduleOptions;
  /** --budget: every create is reserved here first, and settled when its task ends. */
  readonly budget?: SpendBudget;
  /** --max-tasks: the most tasks this run creates, counted as they are created (the plan may be out of date). */
  readonly taskQuota?: TaskQuota;
  /** Flags `spark-style status` needs to reach the same service (--base-url), for recovery commands. */
  readonly statusFlags?: readonly string[];
  /** --offline: recovery hints say "run it again", as the emulator ends with the run. */
  readonly offline?: boolean;
  /**
   * Work pulled, not dealt: an item another live worker holds is tried again this often (its
   * lease lapses if that worker dies), without holding a place in the queue meanwhile. Unset:
   * such an item is skipped (plans and tests of one worker).
   */
  readonly heldRecheckMs?: number;
}

type Outcome = Omit<ItemResult, 'input' | 'style' | 'notes' | 'created' | 'task_id' | 'cost'>;

/**
 * One item from start to finish: gather the facts (claiming the item), decide, then create
 * and record a task or collect an earlier one, wait, and save. Never throws: every outcome
 * becomes an ItemResult.
 */
export async function runItem(item: PlannedItem, context: ItemContext): Promise<ItemResult> {
  const { ledger, clock, interrupt, settings, images } = context;
  const notes: string[] = [];
  const state = { taskId: null as string | null, cost: null as string | null, created: false };
  const finish = (outcome: Outcome): ItemResult => ({
    input: item.input,
    style: item.style.alias,
    task_id: state.taskId,
    cost: state.cost,
    created: state.created,
    notes,
    ...outcome,
  });

  let holding = item.source.kind === 'file' ? item.source.path : null;
  const letGo = () => {
    if (holding !== null) images.release(holding);
    holding = null;
  };
  let claimedKey: string | null = null;
  // A create reserved against --budget and not yet settled: settled (or released) in `finally`.
  let reservation: Reservation | null = null;
  let quotaTaken = false;
  let costKnown = false;
  // A task the ledger could not record: its id lives here until the ledger takes it.
  let unrecorded: UnrecordedAnswer | null = null;
  try {
    if (interrupt.aborted) return finish(notStartedResult());
    context.emit({ type: 'item-started', item });
    const gathered = await gatherFacts(item, context, 'claim');
    if (gathered.claimed) claimedKey = gathered.facts.key;
    const { prepared } = gathered;
    if (prepared) notes.push(...preparedNotes(prepared));

    const decision = decide(item, gathered.facts, settings, clock.now());
    const settled = settle(decision);
    if (settled) {
      if (decision.action === 'refuse') state.taskId = decision.taskId;
      return finish(settled);
    }

    let answered: Task | null = null;
    let createdAt: number | undefined;
    if (decision.action === 'collect') {
      state.taskId = decision.taskId;
      context.emit({ type: 'task-created', item, taskId: decision.taskId, reused: true });
    } else {
      if (interrupt.aborted) return finish(notStartedResult());
      if (context.budget) {
        reservation = await context.budget.reserve(item.style.alias, interrupt);
        if (reservation === null) return finish(overBudgetResult(context.budget, item.style.alias));
      }
      if (context.taskQuota) {
        if (!context.taskQuota.take()) {
          if (reservation) context.budget!.release(reservation);
          reservation = null;
          return finish(overQuotaResult(context.taskQuota.limit));
        }
        quotaTaken = true;
      }
      try {
        ({ task: answered, unrecorded } = await createAndRecord(item, gathered.facts.key!, gathered.inputSha256!, prepared, context));
      } catch (error) {
        if (provesNothingCreated(error)) {
          if (reservation) context.budget!.release(reservation);
          reservation = null;
          if (quotaTaken) context.taskQuota!.giveBack();
          quotaTaken = false;
        }
        throw error;
      }
      if (unrecorded) {
        // Paid for, but not in the ledger: collected now, while this run still knows the id.
        const reason = unrecorded.error.cause instanceof Error ? unrecorded.error.cause.message : String(unrecorded.error.cause);
        context.emit({ type: 'warning', item, message: `the ledger could not record task ${answered.id} (${reason}); waiting for it and saving it anyway` });
      }
      state.taskId = answered.id;
      state.created = true;
      createdAt = clock.now();
      context.emit({ type: 'task-created', item, taskId: answered.id, reused: false });
    }
    // The image is sent: let its bytes go now rather than hold them through minutes of waiting.
    letGo();
    const saved = await waitAndSave(item, state.taskId!, answered, createdAt, unrecorded ? { ...context, ledger: unrecorded.outcomeLedger() } : context);
    state.cost = saved.cost;
    costKnown = true;
    notes.push(...saved.notes);
    if (saved.outputs.length > 1) notes.push(`the task returned ${saved.outputs.length} images: ${saved.outputs.slice(1).join(', ')}`);
    return finish({ status: 'saved', output: saved.outputs[0]!, error: null, errorKind: null });
  } catch (error) {
    // The run ends before the result is saved and the ledger still lacks the id: the id and the
    // command that collects it are all that is left, so they are the item's error.
    if (unrecorded && !(await unrecorded.retry())) {
      if (!(error instanceof InterruptedError)) notes.push(`while waiting: ${error instanceof Error ? error.message : String(error)}`);
      return finish({
        status: 'failed',
        output: null,
        error: { code: unrecorded.error.code, message: unrecorded.error.message },
        errorKind: unrecorded.error.kind,
      });
    }
    if (error instanceof InterruptedError) return finish(state.taskId ? stillRunningResult() : notStartedResult());
    if (isSparkError(error)) {
      return finish({
        status: 'failed',
        output: null,
        error: { code: error.code, message: error.message },
        errorKind: error.kind,
        hint: failureHint(error, item.source),
      });
    }
    const message = error instanceof Error ? error.message : String(error);
    return finish({ status: 'failed', output: null, error: { code: 'internal', message }, errorKind: 'api' });
  } finally {
    // A task that failed, was left running or gave no sane cost counts at its estimate.
    if (reservation) context.budget!.settle(reservation, costKnown ? parseUsd(state.cost) : null, costKnown);
    letGo();
    if (claimedKey !== null) {
      try {
        await ledger.release(claimedKey);
      } catch (error) {
        // The item's outcome is already known and recorded (or reported): a claim that stays
        // behind only makes another run wait for this process to end.
        context.emit({ type: 'warning', item, message: `the ledger could not let a claim go (${(error as Error).message})` });
      }
    }
  }
}

/** The decisions that end an item without touching the network. */
function settle(decision: Decision): Outcome | null {
  switch (decision.action) {
    case 'skip':
      return { status: 'skipped', output: decision.output, error: null, errorKind: null, hint: decision.reason, heldBy: decision.heldBy };
    case 'refuse':
      return {
        status: 'failed',
        output: null,
        error: { code: decision.code, message: decision.reason },
        errorKind: decision.taskId ? 'task-failed' : 'input',
        hint: decision.hint,
      };
    case 'unknown':
      return {
        status: 'failed',
        output: null,
        error: { code: 'outcome-unknown', message: decision.reason },
        errorKind: 'outcome-unknown',
      };
    default:
      return null;
  }
}

/** Not started: --budget. Cancelled, not failed: nothing went wrong, the run was told to stop there. */
function overBudgetResult(budget: SpendBudget, style: string): Outcome {
  return { status: 'cancelled', output: null, error: { code: 'budget', message: budget.refusal(style) }, errorKind: null };
}

/** Not started: --max-tasks, counted at create time (the plan that checked it may be out of date). */
function overQuotaResult(limit: number): Outcome {
  return {
    status: 'cancelled',
    output: null,
    error: { code: 'max-tasks', message: `not started: the run already created --max-tasks ${limit} task${limit === 1 ? '' : 's'}` },
    errorKind: null,
  };
}

/** Ctrl-C before any task existed: cancelled, like any item the run stopped before it began. */
function notStartedResult(): Outcome {
  return { status: 'cancelled', output: null, error: { code: 'interrupted', message: 'not started: interrupted' }, errorKind: null };
}

/** Ctrl-C while the item's task runs on the server: the next run collects it. */
function stillRunningResult(): Outcome {
  return { status: 'interrupted', output: null, error: { code: 'interrupted', message: 'interrupted: still running on the server' }, errorKind: 'interrupted' };
}

/** What preparing the photo did, for people: the same for every style of the photo (the reporter says it once). */
function preparedNotes(prepared: PreparedImage): string[] {
  return [...(prepared.notes ?? []), ...prepared.changes.map((change) => `fixed: ${change}`), ...prepared.warnings.map((warning) => `warning: ${warning}`)];
}
