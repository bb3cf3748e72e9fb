import pLimit from 'p-limit';
import { DEFAULT_BASE_URL } from '../api/base-url.js';
import { usdAmount } from '../core/money.js';
import { ExitCode, worstExitCode } from '../core/exit-codes.js';
import { runItems } from '../runner/batch.js';
import type { SpendBudget } from '../runner/budget.js';
import { budgetFor, FleetBudget } from '../runner/fleet-budget.js';
import type { ItemResult, RunnerEvent } from '../runner/events.js';
import type { PlannedItem } from '../runner/plan.js';
import { PreparedImageCache } from '../runner/prepared-cache.js';
import { AdaptiveRateGate } from '../runner/rate-gate.js';
import { TaskQuota } from '../runner/task-quota.js';
import { exitCodeOf, isHeldByBudget, summarize, type SpendSummary } from './summary.js';
import type { ResolvedRun } from './run-options.js';
import { openLedger, type EngineState, type LedgerHandle } from './state.js';
import type { BudgetStop, ItemOutcome, ItemRef, RunEvent, RunResult, RunSummary } from './types.js';

/**
 * One batch run: the ledger, the connection, the shared 429 pause, the budget guard, the abort
 * signal, the summary. Emits RunEvents and returns the RunResult; knows nothing of terminals.
 */
export async function runSession(
  state: EngineState,
  items: readonly PlannedItem[],
  run: ResolvedRun,
  signal: AbortSignal,
  emit: (event: RunEvent) => void,
): Promise<RunResult> {
  const { clock } = state;
  const offline = state.target.offline !== null;
  const handle = await openLedger(state, { lookOnly: false, concurrency: run.concurrency });
  const limit = pLimit(run.concurrency);
  const gate = rateGate(state, limit, run.concurrency, emit);
  let connection;
  try {
    connection = await state.connect(state.target, { log: state.log, gate, clock });
  } catch (error) {
    await closeLedger(handle, emit);
    throw error;
  }
  // Recovery commands name the service when it is not the default one (never the key).
  const baseUrl = offline ? null : state.target.baseUrl();
  const statusFlags = baseUrl !== null && baseUrl !== DEFAULT_BASE_URL ? ['--base-url', baseUrl] : [];
  const budget = run.budgetMicro === null ? undefined : await budgetFor(run.budgetMicro, handle.ledger, items, clock);
  const onAbort = () => emit({ type: 'notice', code: 'stopping', message: 'stopping: no new tasks; creates on their way finish and are recorded' });
  signal.addEventListener('abort', onAbort, { once: true });
  const started = clock.now();
  emit({ type: 'run-started', total: items.length, offline });
  let results: ItemResult[];
  try {
    results = await runItems(
      items,
      {
        client: connection.client,
        ledger: handle.ledger,
        clock,
        interrupt: signal,
        settings: run.settings,
        emit: (event) => emit(toRunEvent(event)),
        images: new PreparedImageCache(items, run.settings.fix, run.settings.convert),
        budget,
        taskQuota: run.maxTasks === undefined ? undefined : new TaskQuota(run.maxTasks),
        statusFlags,
        offline,
        heldRecheckMs: HELD_RECHECK_MS,
      },
      // A fleet on one ledger: each worker starts at its own place in the list.
      { limit, failFast: run.failFast, startAnywhere: handle.ledger.shared },
    );
  } finally {
    signal.removeEventListener('abort', onAbort);
    if (budget instanceof FleetBudget) await budget.flush();
    await closeLedger(handle, emit);
    await connection.close();
  }
  const summary = summarize(results, clock.now() - started, spendOf(budget));
  emit({ type: 'run-finished', summary });
  return runResult(items, results, summary, { interrupted: signal.aborted, offline, budget });
}

function spendOf(budget: SpendBudget | undefined): SpendSummary | null {
  return budget ? { limitMicro: budget.limit, spentMicro: budget.spent, estimatedTasks: budget.estimatedTasks } : null;
}

function runResult(
  items: readonly PlannedItem[],
  results: readonly ItemResult[],
  summary: RunSummary,
  run: { interrupted: boolean; offline: boolean; budget: SpendBudget | undefined },
): RunResult {
  return {
    items: results.map((result, index) => outcomeOf(items[index]!, result)),
    summary,
    interrupted: run.interrupted,
    offline: run.offline,
    budgetStop: run.budget && !run.interrupted ? budgetStop(results, run.budget) : null,
    exitCode: run.interrupted ? ExitCode.INTERRUPTED : worstExitCode(results.map(exitCodeOf)),
  };
}

/** How often an item another worker holds is tried again (it finishes it, or its lease lapses). */
const HELD_RECHECK_MS = 1000;

function rateGate(state: EngineState, limit: ReturnType<typeof pLimit>, concurrency: number, emit: (event: RunEvent) => void): AdaptiveRateGate {
  return new AdaptiveRateGate(limit, state.clock, {
    maxConcurrency: concurrency,
    onChange: (now, reason) =>
      emit(
        reason === 'rate-limited'
          ? { type: 'notice', code: 'rate-limited', message: `rate limited (429): slowing down to ${now} at a time` }
          : { type: 'notice', code: 'rate-restored', message: `no more 429s: back up to ${now} at a time` },
      ),
    onRetryAfterCut: (askedMs, pauseMs) =>
      emit({
        type: 'notice',
        code: 'retry-after-capped',
        message: `the service asked to wait ${Math.round(askedMs / 1000)} s (Retry-After); pausing ${Math.round(pauseMs / 1000)} s, the most spark-style waits at once`,
      }),
  });
}

/** Closing is the ledger's last write: when it fails (a full disk), one warning, and the result still comes. */
async function closeLedger(handle: LedgerHandle, emit: (event: RunEvent) => void): Promise<void> {
  try {
    await handle.close();
  } catch (error) {
    emit({ type: 'warning', item: null, message: `the ledger could not be closed cleanly (${(error as Error).message}); the results stand` });
  }
}

function itemRef(item: PlannedItem): ItemRef {
  return { index: item.index, input: item.input, style: item.style.alias };
}

/** The runner's events in the engine's own words. */
function toRunEvent(event: RunnerEvent): RunEvent {
  const item = itemRef(event.item);
  switch (event.type) {
    case 'item-started':
      return { type: 'item-started', item };
    case 'task-created':
      return { type: 'task-created', item, taskId: event.taskId, reused: event.reused };
    case 'task-progress':
      return { type: 'progress', item, taskId: event.task.id, status: event.task.status, progress: event.task.progress };
    case 'retrying':
      return { type: 'retrying', item, delayMs: event.delayMs, reason: event.reason };
    case 'item-finished':
      return { type: 'item-finished', item, result: outcomeOf(event.item, event.result) };
    case 'warning':
      return { type: 'warning', item, message: event.message };
  }
}

function outcomeOf(item: PlannedItem, result: ItemResult): ItemOutcome {
  return { ...result, source: item.source.kind };
}

function budgetStop(results: readonly ItemResult[], budget: SpendBudget): BudgetStop | null {
  const held = results.filter(isHeldByBudget);
  if (held.length === 0) return null;
  return {
    limit_usd: usdAmount(budget.limit),
    cost_unreported: budget.costUnreported,
    held: held.map((result) => {
      const price = budget.priceOf(result.style);
      return { input: result.input, style: result.style, price_usd: price === null ? null : usdAmount(price) };
    }),
  };
}
