import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode, worstExitCode } from '../../cmdutil/exit-codes.js';
import type { Clock } from '../../core/clock.js';
import { withoutApiKey, withoutLedgerPassword } from '../../core/secrets.js';
import { checkRebuildableTarget } from '../../sheet/save-rebuildable.js';
import { UsageError } from '../../core/errors.js';
import { rescuedResultsDir } from '../../config/paths.js';
import { openConfigFile } from '../../config/config-file.js';
import type { Ledger } from '../../ledger/ledger.js';
import { expandInputs } from '../../runner/inputs.js';
import { ensureFolderOrUsageError } from '../../core/make-folder.js';
import { namingFor, planItems, type PlannedItem } from '../../runner/plan.js';
import { previewItems } from '../../runner/plan-decisions.js';
import { formatUsd, parseUsd } from '../../runner/budget.js';
import { forecastCost, priceBookFromLedger } from '../../runner/prices.js';
import type { RunSettings } from '../../runner/run-settings.js';
import { parseShard, selectShard } from '../../runner/shard.js';
import { readAllStdin } from '../../terminal/stdin.js';
import { summarize } from '../../engine/summary.js';
import { openLedger, runBatchSession } from '../shared/batch-session.js';
import { resolveConnection } from '../../cmdutil/connection.js';
import { afterBatch, type AfterRun } from './after-run.js';
import type { StylizeOptions } from './define.js';
import { dryRunReports, printDryRun } from './dry-run.js';
import { resolveConcurrency, resolveNameTemplate, resolveRunSettings, resolveStyles } from './resolve-options.js';

/**
 * `afterRun`: what a command built on stylize (sheet) does with the finished batch;
 * `checkPlan`: what it must refuse before anything is sent (and in --dry-run).
 */
export async function runStylize(
  inputs: string[],
  options: StylizeOptions,
  context: CommandContext,
  afterRun?: AfterRun,
  checkPlan?: (items: readonly PlannedItem[]) => Promise<void>,
): Promise<number> {
  const { io, clock } = context;
  if (options.report) await checkRebuildableTarget(options.report, '--report', 'report');
  const config = await openConfigFile(io.env);
  const target = resolveConnection(options, config, io);
  const styles = resolveStyles(options, config);
  const runSettings = resolveRunSettings(options, rescuedResultsDir(io.env));
  const nameTemplate = resolveNameTemplate(options, config);
  const concurrency = resolveConcurrency(options, config);
  const outDir = options.out ?? (config.get('out-dir') as string | undefined);
  const budgetMicro = options.budget === undefined ? null : parseUsd(options.budget);

  const sources = await expandInputs(inputs, {
    recursive: options.recursive === true,
    readStdin: () => readAllStdin(io.stdin),
    onLeftOut: (path, why) => options.quiet || io.info(`note: left out ${path}: ${why}`),
  });
  if (sources.length === 0) throw new UsageError('no input images (stdin gave no paths)');
  const items = selectShard(
    planItems(sources, styles, outDir, await namingFor(sources, nameTemplate)),
    options.shard === undefined ? undefined : parseShard(options.shard),
  );
  await checkPlan?.(items);

  if (options.dryRun || options.maxTasks !== undefined) {
    const ledger = await openLedger(context, {
      offline: options.offline === true,
      lookOnly: true,
      baseUrl: options.offline ? undefined : target.baseUrl(),
    });
    try {
      if (options.dryRun) {
        const endpoint = `${options.offline ? 'http://127.0.0.1:<emulator port>' : target.baseUrl()}/model/v1/generation`;
        const reports = await dryRunReports(items, runSettings, ledger, clock.now());
        const creates = reports.filter((report) => report.action === 'create').map((report) => report.style);
        printDryRun(reports, endpoint, io, options.json === true, forecastCost(creates, await priceBookFromLedger(ledger), budgetMicro), budgetMicro);
        return ExitCode.OK;
      }
      await enforceMaxTasks(items, options.maxTasks!, runSettings, ledger, clock, budgetMicro);
    } finally {
      await ledger.close();
    }
  }
  await ensureWritableFolders(items);

  const started = clock.now();
  const { exitCode, results, spend } = await runBatchSession(
    items,
    {
      target,
      settings: runSettings,
      concurrency,
      failFast: options.failFast === true,
      json: options.json === true,
      quiet: options.quiet === true,
      // The key is never part of a command printed for people: it stays where it came from.
      resumeCommand: ['spark-style', ...withoutLedgerPassword(withoutApiKey(context.argv.slice(2)))],
      readStdin: inputs.includes('-'),
      keyFromFlag: options.apiKey !== undefined,
      budgetMicro,
      maxTasks: options.maxTasks,
    },
    context,
  );
  const afterCode = await afterBatch(
    {
      items,
      results,
      summary: summarize(results, clock.now() - started, spend),
      interrupted: exitCode === ExitCode.INTERRUPTED,
      offline: options.offline === true,
      secrets: target.apiKey ? [target.apiKey.key] : [],
    },
    options,
    context,
    afterRun,
  );
  return worstExitCode([exitCode, afterCode]);
}

/** Results we paid for must have somewhere to go: every output folder is made and probed first. */
async function ensureWritableFolders(items: readonly PlannedItem[]): Promise<void> {
  const folders = new Set(items.flatMap((item) => (item.outputBase ? [dirname(item.outputBase)] : [])));
  for (const folder of folders) {
    await ensureFolderOrUsageError(folder, { hint: 'choose another folder with --out', beforePaying: true });
    try {
      await access(folder, constants.W_OK);
    } catch {
      throw new UsageError(`cannot save results in ${folder}: permission denied; nothing was sent`, {
        code: 'output-folder',
        hint: 'choose another folder with --out',
      });
    }
  }
}

/**
 * --max-tasks counts the items the run would create a task for: the same decisions as the run
 * and --dry-run. With --budget too it still counts every task the plan needs: a real cost below
 * the estimate lets the budget through more tasks than a forecast can promise, and --max-tasks
 * is a promise about the count.
 */
async function enforceMaxTasks(
  items: readonly PlannedItem[],
  maxTasks: number,
  runSettings: RunSettings,
  ledger: Ledger,
  clock: Clock,
  budgetMicro: number | null,
): Promise<void> {
  const previews = await previewItems(items, { ledger, settings: runSettings, now: clock.now(), withBody: false });
  const creates = previews.filter((preview) => preview.decision.action === 'create').map((preview) => preview.item.style.alias);
  const needed = creates.length;
  if (needed > maxTasks) {
    const fitting = budgetMicro === null ? null : forecastCost(creates, await priceBookFromLedger(ledger), budgetMicro).fitting;
    const budgetNote =
      budgetMicro === null
        ? ''
        : fitting === null
          ? ` (--budget ${formatUsd(budgetMicro)}: the price is not known yet)`
          : ` (--budget ${formatUsd(budgetMicro)} would let about ${fitting} through)`;
    throw new UsageError(`this run would create ${needed} task${needed === 1 ? '' : 's'}, more than --max-tasks ${maxTasks}${budgetNote}; nothing was sent`, {
      code: 'max-tasks',
      hint:
        budgetMicro === null
          ? 'check the plan with --dry-run, or raise --max-tasks'
          : 'check the plan with --dry-run; raise --max-tasks to let --budget alone decide where the run stops',
    });
  }
}
