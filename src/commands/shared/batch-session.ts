import { existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import pLimit from 'p-limit';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode, exitCodeForKind, worstExitCode } from '../../cmdutil/exit-codes.js';
import { handleInterrupts } from '../../cmdutil/interrupt.js';
import { shellCommand } from '../../core/shell-quote.js';
import type { Ledger } from '../../ledger/ledger.js';
import { SqliteLedger } from '../../ledger/sqlite-ledger.js';
import { isPostgresUrl, openLedgerAt } from '../../ledger/open-ledger.js';
import { chooseLedger } from '../../cmdutil/ledger-choice.js';
import { JOURNAL_NAME } from '../../ledger/migrate-journal.js';
import { runItems } from '../../runner/batch.js';
import { formatUsd, NO_COST_REASON, SpendBudget } from '../../runner/budget.js';
import { priceBookFromLedger } from '../../runner/prices.js';
import { FleetBudget } from '../../runner/fleet-budget.js';
import type { Clock } from '../../core/clock.js';
import { createHash } from 'node:crypto';
import type { ItemResult } from '../../runner/events.js';
import type { PlannedItem } from '../../runner/plan.js';
import { PreparedImageCache } from '../../runner/prepared-cache.js';
import { AdaptiveRateGate } from '../../runner/rate-gate.js';
import type { RunSettings } from '../../runner/run-settings.js';
import { palette } from '../../terminal/colors.js';
import { RunReporter } from '../../terminal/reporter.js';
import { summarize, type SpendSummary } from '../../engine/summary.js';
import type { ConnectionTarget } from '../../cmdutil/connection.js';
import { DEFAULT_BASE_URL } from '../../api/base-url.js';
import { TaskQuota } from '../../runner/task-quota.js';

/**
 * The ledger a command works with: in memory for --offline (the emulator's tasks die with the
 * process), else the one --ledger / SPARK_STYLE_LEDGER / the config names (a database a fleet
 * shares, or a file), else the file beside the config. `lookOnly` (plans): with no ledger and no old
 * journal on disk yet, an empty one in memory, so that a dry run leaves no file behind.
 * `baseUrl`: the API the run talks to; tasks recorded against another one are not looked up.
 */
export async function openLedger(
  context: Pick<CommandContext, 'io' | 'clock' | 'ledger'>,
  options: { offline: boolean; lookOnly: boolean; baseUrl?: string; concurrency?: number },
): Promise<Ledger> {
  const { io, clock } = context;
  if (options.offline) return SqliteLedger.inMemory(clock);
  const { location } = chooseLedger(context.ledger, io);
  const local = !isPostgresUrl(location);
  if (local && options.lookOnly && !existsSync(location) && !existsSync(join(dirname(location), JOURNAL_NAME))) return SqliteLedger.inMemory(clock);
  // One connection per item in flight, one for the heartbeat, one for the budget.
  const connections = (options.concurrency ?? 1) + 2;
  return openLedgerAt(location, clock, { baseUrl: options.baseUrl, env: io.env, connections });
}

export interface BatchSessionOptions {
  /** Where requests go, with which key (resolved once by the command). */
  readonly target: ConnectionTarget;
  readonly settings: RunSettings;
  readonly concurrency: number;
  readonly failFast: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  /** The command that resumes this run, printed after an interrupt (never with the key in it). */
  readonly resumeCommand: readonly string[];
  /** Whether the run read its inputs from stdin (the resume note says to give them again). */
  readonly readStdin: boolean;
  /** The key came from --api-key, which the resume command leaves out (the note says so). */
  readonly keyFromFlag: boolean;
  /** --budget in micro-dollars, or null for no budget. */
  readonly budgetMicro: number | null;
  /** --max-tasks: also enforced as tasks are created, as the plan that checked it may be out of date. */
  readonly maxTasks?: number;
}

/**
 * A whole batch run for any command that turns planned items into results (stylize; a
 * contact sheet...): the ledger, the connection, the shared 429 pause, the reporter, Ctrl-C
 * / SIGTERM / SIGHUP, the summary. Returns the exit code and every item's result.
 */
export async function runBatchSession(
  items: readonly PlannedItem[],
  options: BatchSessionOptions,
  context: CommandContext,
): Promise<{ exitCode: number; results: ItemResult[]; spend: SpendSummary | null }> {
  const { io, clock } = context;
  const paint = palette(io.colorEnabled);
  const ledger = await openLedger(context, {
    offline: options.target.offline,
    lookOnly: false,
    concurrency: options.concurrency,
    baseUrl: options.target.offline ? undefined : options.target.baseUrl(),
  });
  const limit = pLimit(options.concurrency);
  const reporter = new RunReporter(io, { json: options.json, quiet: options.quiet, total: items.length, offline: options.target.offline });
  const gate = new AdaptiveRateGate(limit, clock, {
    maxConcurrency: options.concurrency,
    onChange: (now, reason) =>
      reporter.note(
        paint.warn(reason === 'rate-limited' ? `rate limited (429): slowing down to ${now} at a time` : `no more 429s: back up to ${now} at a time`),
      ),
    onRetryAfterCut: (askedMs, pauseMs) =>
      reporter.note(
        paint.warn(
          `the service asked to wait ${Math.round(askedMs / 1000)} s (Retry-After); pausing ${Math.round(pauseMs / 1000)} s, the most spark-style waits at once`,
        ),
      ),
  });
  let connection;
  try {
    connection = await context.connect(options.target, { log: context.verbose ? (line) => reporter.note(paint.dim(line)) : undefined, gate, clock });
  } catch (error) {
    await closeLedger(ledger, reporter);
    throw error;
  }
  // Recovery commands name the service when it is not the default one (never the key).
  const baseUrl = options.target.offline ? null : options.target.baseUrl();
  const statusFlags = baseUrl !== null && baseUrl !== DEFAULT_BASE_URL ? ['--base-url', baseUrl] : [];

  // First signal: start nothing new, let creates in flight be recorded, stop waiting. Second: leave now.
  const interrupt = handleInterrupts(() =>
    reporter.alert(paint.warn('stopping: no new tasks; creates on their way finish and are recorded (Ctrl-C again to quit at once)')),
  );
  const budget = options.budgetMicro === null ? undefined : await budgetFor(options.budgetMicro, ledger, items, clock);
  const started = clock.now();
  let results: ItemResult[];
  try {
    reporter.start();
    results = await runItems(
      items,
      {
        client: connection.client,
        ledger,
        clock,
        interrupt: interrupt.signal,
        settings: options.settings,
        emit: (event) => reporter.handle(event),
        images: new PreparedImageCache(items, options.settings.fix, options.settings.convert),
        budget,
        taskQuota: options.maxTasks === undefined ? undefined : new TaskQuota(options.maxTasks),
        statusFlags,
        offline: options.target.offline,
        heldRecheckMs: HELD_RECHECK_MS,
      },
      { limit, failFast: options.failFast, startAnywhere: ledger.shared },
    );
  } finally {
    interrupt.dispose();
    if (budget instanceof FleetBudget) await budget.flush();
    await closeLedger(ledger, reporter);
    await connection.close();
  }
  const spend: SpendSummary | null = budget ? { limitMicro: budget.limit, spentMicro: budget.spent, estimatedTasks: budget.estimatedTasks } : null;
  reporter.finish(summarize(results, clock.now() - started, spend));
  if (connection.emulator && !options.quiet) io.info(paint.dim('offline: made by the built-in emulator; nothing was sent to Vtrix and nothing was charged'));

  if (interrupt.signal.aborted) {
    const running = results.filter((result) => result.status === 'interrupted' && result.task_id).length;
    if (options.target.offline) {
      // The emulator and its in-memory ledger end with this process: nothing is left to collect.
      reporter.alert(
        `interrupted: ${running ? `${running} task${running === 1 ? ' was' : 's were'} running in the offline emulator (free), which stopped with this run. ` : ''}` +
          `Running the same command again redoes what was not saved:\n  ${shellCommand(options.resumeCommand)}` +
          (options.readStdin ? '\n  (with the same list of paths on stdin)' : ''),
      );
      return { exitCode: ExitCode.INTERRUPTED, results, spend };
    }
    const next =
      running === 0
        ? 'interrupted: no task is left running on the server. Run the same command again to do the rest:'
        : `interrupted: ${running} task${running === 1 ? '' : 's'} still running on the server. Run the same command again to collect ${running === 1 ? 'it' : 'them'} without paying again:`;
    reporter.alert(
      `${next}\n  ${shellCommand(options.resumeCommand)}` +
        (options.readStdin ? '\n  (with the same list of paths on stdin)' : '') +
        (options.keyFromFlag ? '\n  (with the key in SPARK_STYLE_API_KEY, or --api-key as before)' : ''),
    );
    return { exitCode: ExitCode.INTERRUPTED, results, spend };
  }
  if (budget) reportBudgetStop(results, budget, options, reporter);
  return { exitCode: worstExitCode(results.map(exitCodeOf)), results, spend };
}

/** How often an item another worker holds is tried again (it finishes it, or its lease lapses). */
const HELD_RECHECK_MS = 1000;

/**
 * --budget: this run's, or with a shared ledger the fleet's, counted in the database. The
 * fleet's job is named by its inputs and its budget: workers started with the same ones share it.
 */
async function budgetFor(limitMicro: number, ledger: Ledger, items: readonly PlannedItem[], clock: Clock): Promise<SpendBudget> {
  const prices = (await priceBookFromLedger(ledger)).lookup;
  const shared = ledger.sharedSpend();
  if (shared === null) return new SpendBudget(limitMicro, prices);
  const job = createHash('sha256')
    .update(JSON.stringify([limitMicro, items.map((item) => [item.input, item.style.alias]).sort()]))
    .digest('hex');
  return new FleetBudget(limitMicro, prices, shared, `budget:${job}`, clock);
}

/** Closing is the ledger's last write: when it fails (a full disk), one warning, and the summary still comes. */
async function closeLedger(ledger: Ledger, reporter: RunReporter): Promise<void> {
  try {
    await ledger.close();
  } catch (error) {
    reporter.alert(`warning: the ledger could not be closed cleanly (${(error as Error).message}); the results above stand`);
  }
}

/** One line for every item --budget held back, and the command that goes on from there. */
function reportBudgetStop(results: readonly ItemResult[], budget: SpendBudget, options: BatchSessionOptions, reporter: RunReporter): void {
  const held = results.filter(isHeldByBudget);
  if (held.length === 0) return;
  const shown = held.slice(0, MAX_NAMED).map((result) => `${result.input} (${result.style})`);
  const more = held.length > MAX_NAMED ? ` and ${held.length - MAX_NAMED} more` : '';
  if (budget.costUnreported) {
    reporter.alert(`budget: ${held.length} item${held.length === 1 ? '' : 's'} not started (${shown.join(', ')}${more}): ${NO_COST_REASON}`);
    return;
  }
  const prices = held.map((result) => budget.priceOf(result.style));
  const rest = prices.every((price) => price !== null)
    ? `; ${held.length === 1 ? 'it' : 'they'} would cost about ${formatUsd(prices.reduce((sum, price) => sum! + price!, 0)!)}`
    : '';
  reporter.alert(
    `budget: ${held.length} item${held.length === 1 ? '' : 's'} not started, as ${held.length === 1 ? 'it' : 'they'} could take the run over --budget ${formatUsd(budget.limit)}: ${shown.join(', ')}${more}${rest}.\n` +
      `To continue, run the same command again: it skips what is done and spends up to --budget again (raise --budget to do more in one run):\n  ${shellCommand(options.resumeCommand)}` +
      (options.readStdin ? '\n  (with the same list of paths on stdin)' : '') +
      (options.keyFromFlag ? '\n  (with the key in SPARK_STYLE_API_KEY, or --api-key as before)' : ''),
  );
}

/** Items named in the budget line; the rest are counted (every one has its own --json object). */
const MAX_NAMED = 5;

export function isHeldByBudget(result: ItemResult): boolean {
  return result.status === 'cancelled' && result.error?.code === 'budget';
}

export function exitCodeOf(result: ItemResult): number {
  if (isHeldByBudget(result)) return ExitCode.BUDGET;
  // --max-tasks refused creates at run time: the same answer as when the plan refuses them.
  if (result.status === 'cancelled' && result.error?.code === 'max-tasks') return ExitCode.USAGE;
  if (result.status === 'saved' || result.status === 'skipped' || result.status === 'cancelled') return ExitCode.OK;
  return result.errorKind ? exitCodeForKind(result.errorKind) : ExitCode.ITEM_FAILED;
}
