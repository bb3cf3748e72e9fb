import type { SparkClient } from '../api/client.js';
import type { Task } from '../api/wire.js';
import type { Clock } from '../core/clock.js';
import { InterruptedError, isSparkError } from '../core/errors.js';
import type { PreparedImage } from '../image/prepare.js';
import type { Ledger } from '../ledger/ledger.js';
import type { SpendBudget } from './budget.js';
import { CreateGuard, type CreateHold, isRefusal } from './create-guard.js';
import { createAndRecord, provesNothingCreated, type UnrecordedAnswer } from './create-and-record.js';
import { decide, type Decision } from './decide.js';
import { failureHint } from './failure-hint.js';
import type { ItemResult, RunnerEvent } from './events.js';
import { gatherFacts } from './item-facts.js';

type Gathered = Awaited<ReturnType<typeof gatherFacts>>;
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
  /** --budget: every create is reserved here first, and charged when its task ends (runner/create-guard.ts). */
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

/** What one item holds while it runs, let go of in `endItem` however the item ends. */
interface ItemState {
  readonly notes: string[];
  taskId: string | null;
  cost: string | null;
  created: boolean;
  /** The ledger claim on the item's key, released at the end. */
  claimedKey: string | null;
  /** The photo's bytes in the shared cache, let go as soon as they are sent. */
  holding: string | null;
  /** What the create holds of --budget and --max-tasks until its task ends. */
  hold: CreateHold | null;
  costKnown: boolean;
  /** A task the ledger could not record: its id lives here until the ledger takes it. */
  unrecorded: UnrecordedAnswer | null;
}

/** The task an item waits for: one it created now (with the create's answer), or an earlier one it collects. */
interface TaskToWaitFor {
  readonly answered: Task | null;
  readonly createdAt: number | undefined;
}

/**
 * One item from start to finish: claim it and gather its facts, decide, create and record a
 * task or collect an earlier one, wait, save and record. Never throws: every outcome becomes
 * an ItemResult.
 */
export async function runItem(item: PlannedItem, context: ItemContext): Promise<ItemResult> {
  const state: ItemState = {
    notes: [],
    taskId: null,
    cost: null,
    created: false,
    claimedKey: null,
    holding: item.source.kind === 'file' ? item.source.path : null,
    hold: null,
    costKnown: false,
    unrecorded: null,
  };
  try {
    return await itemStory(item, context, state);
  } catch (error) {
    return await failedItem(item, state, error);
  } finally {
    await endItem(item, context, state);
  }
}

async function itemStory(item: PlannedItem, context: ItemContext, state: ItemState): Promise<ItemResult> {
  if (context.interrupt.aborted) return finish(item, state, notStartedResult());
  context.emit({ type: 'item-started', item });
  const gathered = await claimAndGather(item, context, state);
  const decision = decide(item, gathered.facts, context.settings, context.clock.now());
  const decided = outcomeWithoutNetwork(decision);
  if (decided) {
    if (decision.action === 'refuse') state.taskId = decision.taskId;
    return finish(item, state, decided);
  }
  const task = decision.action === 'collect' ? collect(item, context, state, decision.taskId) : await create(item, context, state, gathered);
  if ('status' in task) return finish(item, state, task);
  // The image is sent: let its bytes go now rather than hold them through minutes of waiting.
  letGo(context, state);
  return waitSaveAndRecord(item, context, state, task);
}

/** Claims the item in the ledger and gathers what decides it (the photo prepared when it will be sent). */
async function claimAndGather(item: PlannedItem, context: ItemContext, state: ItemState): Promise<Gathered> {
  const gathered = await gatherFacts(item, context, 'claim');
  if (gathered.claimed) state.claimedKey = gathered.facts.key;
  if (gathered.prepared) state.notes.push(...preparedNotes(gathered.prepared));
  return gathered;
}

function collect(item: PlannedItem, context: Pick<ItemContext, 'emit'>, state: ItemState, taskId: string): TaskToWaitFor {
  state.taskId = taskId;
  context.emit({ type: 'task-created', item, taskId, reused: true });
  return { answered: null, createdAt: undefined };
}

/** Passes the create guard (--budget, --max-tasks), then sends the create, recorded in the ledger before and after. */
async function create(item: PlannedItem, context: ItemContext, state: ItemState, gathered: Gathered): Promise<TaskToWaitFor | Outcome> {
  if (context.interrupt.aborted) return notStartedResult();
  const guard = createGuardOf(context);
  const admitted = await guard.admit(item.style.alias, context.interrupt);
  if (isRefusal(admitted)) return { status: 'cancelled', output: null, error: { code: admitted.code, message: admitted.message }, errorKind: null };
  state.hold = admitted;
  let answered: Task;
  try {
    ({ task: answered, unrecorded: state.unrecorded } = await createAndRecord(item, gathered.facts.key!, gathered.inputSha256!, gathered.prepared, context));
  } catch (error) {
    if (provesNothingCreated(error)) {
      guard.giveBack(admitted);
      state.hold = null;
    }
    throw error;
  }
  if (state.unrecorded) {
    // Paid for, but not in the ledger: collected now, while this run still knows the id.
    const { cause } = state.unrecorded.error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    context.emit({ type: 'warning', item, message: `the ledger could not record task ${answered.id} (${reason}); waiting for it and saving it anyway` });
  }
  state.taskId = answered.id;
  state.created = true;
  context.emit({ type: 'task-created', item, taskId: answered.id, reused: false });
  return { answered, createdAt: context.clock.now() };
}

async function waitSaveAndRecord(item: PlannedItem, context: ItemContext, state: ItemState, task: TaskToWaitFor): Promise<ItemResult> {
  const recordIn = state.unrecorded ? { ...context, ledger: state.unrecorded.outcomeLedger() } : context;
  const saved = await waitAndSave(item, state.taskId!, task.answered, task.createdAt, recordIn);
  state.cost = saved.cost;
  state.costKnown = true;
  state.notes.push(...saved.notes);
  if (saved.outputs.length > 1) state.notes.push(`the task returned ${saved.outputs.length} images: ${saved.outputs.slice(1).join(', ')}`);
  return finish(item, state, { status: 'saved', output: saved.outputs[0]!, error: null, errorKind: null });
}

/** Whatever stopped the item, as its result. */
async function failedItem(item: PlannedItem, state: ItemState, error: unknown): Promise<ItemResult> {
  // The run ends before the result is saved and the ledger still lacks the id: the id and the
  // command that collects it are all that is left, so they are the item's error.
  const { unrecorded } = state;
  if (unrecorded && !(await unrecorded.retry())) {
    if (!(error instanceof InterruptedError)) state.notes.push(`while waiting: ${error instanceof Error ? error.message : String(error)}`);
    const { code, message, kind } = unrecorded.error;
    return finish(item, state, { status: 'failed', output: null, error: { code, message }, errorKind: kind });
  }
  if (error instanceof InterruptedError) return finish(item, state, state.taskId ? stillRunningResult() : notStartedResult());
  if (isSparkError(error)) {
    const hint = failureHint(error, item.source);
    return finish(item, state, { status: 'failed', output: null, error: { code: error.code, message: error.message }, errorKind: error.kind, hint });
  }
  const message = error instanceof Error ? error.message : String(error);
  return finish(item, state, { status: 'failed', output: null, error: { code: 'internal', message }, errorKind: 'api' });
}

/** However the item ended: its create charged to the guard, its photo let go, its claim released. */
async function endItem(item: PlannedItem, context: ItemContext, state: ItemState): Promise<void> {
  if (state.hold) createGuardOf(context).charge(state.hold, state.cost, state.costKnown);
  letGo(context, state);
  if (state.claimedKey === null) return;
  try {
    await context.ledger.release(state.claimedKey);
  } catch (error) {
    // The item's outcome is already known and recorded (or reported): a claim that stays
    // behind only makes another run wait for this process to end.
    context.emit({ type: 'warning', item, message: `the ledger could not let a claim go (${(error as Error).message})` });
  }
}

function letGo(context: Pick<ItemContext, 'images'>, state: ItemState): void {
  if (state.holding !== null) context.images.release(state.holding);
  state.holding = null;
}

/** The guard of this run's creates: one per context, shared by its items. */
const guards = new WeakMap<object, CreateGuard>();
function createGuardOf(context: Pick<ItemContext, 'budget' | 'taskQuota'>): CreateGuard {
  const key = context.budget ?? context.taskQuota ?? NO_LIMITS;
  let guard = guards.get(key);
  if (!guard) {
    guard = new CreateGuard(context.budget, context.taskQuota);
    guards.set(key, guard);
  }
  return guard;
}
const NO_LIMITS = {};

function finish(item: PlannedItem, state: ItemState, outcome: Outcome): ItemResult {
  return { input: item.input, style: item.style.alias, task_id: state.taskId, cost: state.cost, created: state.created, notes: state.notes, ...outcome };
}

/** The decisions that end an item without touching the network. */
function outcomeWithoutNetwork(decision: Decision): Outcome | null {
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
