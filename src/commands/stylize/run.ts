import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import pLimit from 'p-limit';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, exitCodeForKind, worstExitCode } from '../../cli/exit-codes.js';
import { handleInterrupts } from '../../cli/interrupt.js';
import { systemClock } from '../../core/clock.js';
import { UsageError } from '../../core/errors.js';
import { shellCommand } from '../../core/shell-quote.js';
import { withoutApiKey } from '../../core/secrets.js';
import { journalPath, rescuedResultsDir } from '../../config/paths.js';
import { openSettings } from '../../config/settings.js';
import { runBatch } from '../../runner/batch.js';
import type { ItemResult } from '../../runner/events.js';
import { expandInputs } from '../../runner/inputs.js';
import { Journal } from '../../runner/journal.js';
import { findSavedResult } from '../../naming/done.js';
import { namingFor, planItems, type PlannedItem } from '../../runner/plan.js';
import { PreparedImageCache } from '../../runner/prepared-cache.js';
import { parseShard, selectShard } from '../../runner/shard.js';
import { AdaptiveRateGate } from '../../runner/rate-gate.js';
import { palette } from '../../terminal/colors.js';
import { RunReporter } from '../../terminal/reporter.js';
import { readAllStdin } from '../../terminal/stdin.js';
import { summarize } from '../../terminal/summary.js';
import { resolveConnection } from '../shared/connection.js';
import { afterBatch, type AfterRun } from './after-run.js';
import type { StylizeOptions } from './define.js';
import { dryRunItem, printDryRun } from './dry-run.js';
import { resolveConcurrency, resolveNameTemplate, resolveRunSettings, resolveStyles } from './settings.js';

/** `afterRun`: what a command built on stylize (sheet) does with the finished batch. */
export async function runStylize(inputs: string[], options: StylizeOptions, context: CommandContext, afterRun?: AfterRun): Promise<number> {
  const { io } = context;
  const paint = palette(io.colorEnabled);
  const config = await openSettings(io.env);
  const target = resolveConnection(options, config, io);
  const styles = resolveStyles(options, config);
  const settings = resolveRunSettings(options, rescuedResultsDir(io.env));
  const nameTemplate = resolveNameTemplate(options, config);
  const concurrency = resolveConcurrency(options, config);
  const outDir = options.out ?? (config.get('out-dir') as string | undefined);

  const sources = await expandInputs(inputs, { recursive: options.recursive === true, readStdin: () => readAllStdin(io.stdin) });
  if (sources.length === 0) throw new UsageError('no input images (stdin gave no paths)');
  const items = selectShard(planItems(sources, styles, outDir, await namingFor(sources, nameTemplate)), options.shard === undefined ? undefined : parseShard(options.shard));
  const journal = options.offline ? Journal.inMemory() : Journal.open(journalPath(io.env));

  if (options.dryRun) {
    const endpoint = `${options.offline ? 'http://127.0.0.1:<emulator port>' : target.baseUrl()}/model/v1/generation`;
    const limit = pLimit(2);
    const images = new PreparedImageCache(items, settings.fix);
    const reports = await Promise.all(items.map((item) => limit(() => dryRunItem(item, settings, journal, images))));
    printDryRun(reports, endpoint, io, options.json === true);
    return ExitCode.OK;
  }
  if (options.maxTasks !== undefined) await enforceMaxTasks(items, options.maxTasks, settings.overwrite);
  await ensureWritableFolders(items);

  const limit = pLimit(concurrency);
  const reporter = new RunReporter(io, { json: options.json === true, quiet: options.quiet === true, total: items.length });
  const gate = new AdaptiveRateGate(limit, systemClock, {
    maxConcurrency: concurrency,
    onChange: (now, reason) =>
      reporter.note(paint.warn(reason === 'rate-limited' ? `rate limited (429): slowing down to ${now} at a time` : `no more 429s: back up to ${now} at a time`)),
  });
  const connection = await context.connect(target, {
    log: context.verbose ? (line) => reporter.note(paint.dim(line)) : undefined,
    gate,
  });

  // First Ctrl-C: start nothing new, let creates in flight be journaled, stop waiting. Second: leave now.
  const interrupt = handleInterrupts(() =>
    reporter.alert(paint.warn('stopping: no new tasks; tasks already created stay journaled (Ctrl-C again to quit at once)')),
  );

  const started = Date.now();
  let results: ItemResult[];
  try {
    reporter.start();
    results = await runBatch(
      items,
      {
        client: connection.client,
        journal,
        clock: systemClock,
        interrupt: interrupt.signal,
        settings,
        emit: (event) => reporter.handle(event),
        images: new PreparedImageCache(items, settings.fix),
      },
      limit,
      { failFast: options.failFast === true },
    );
  } finally {
    interrupt.dispose();
    journal.close();
    await connection.close();
  }
  const summary = summarize(results, Date.now() - started);
  reporter.finish(summary);
  if (connection.emulator && !options.quiet) io.info(paint.dim('offline: made by the built-in emulator; nothing was sent to Vtrix and nothing was charged'));

  if (interrupt.signal.aborted) {
    const running = results.filter((result) => result.status === 'interrupted' && result.task_id).length;
    const again = shellCommand(['spark-style', ...withoutApiKey(process.argv.slice(2))]);
    reporter.alert(
      `interrupted: ${running} task${running === 1 ? '' : 's'} still running on the server. ` +
        `Run the same command again to collect ${running === 1 ? 'it' : 'them'} without paying again:\n  ${again}` +
        (inputs.includes('-') ? '\n  (with the same list of paths on stdin)' : '') +
        (options.apiKey ? '\n  (with the key in SPARK_STYLE_API_KEY, or --api-key as before)' : ''),
    );
  }
  const afterCode = await afterBatch(
    { items, results, summary, interrupted: interrupt.signal.aborted, offline: options.offline === true, secrets: target.apiKey ? [target.apiKey.key] : [] },
    options,
    context,
    afterRun,
  );
  return worstExitCode([...results.map(exitCodeOf), afterCode]);
}

function exitCodeOf(result: ItemResult): number {
  if (result.status === 'saved' || result.status === 'skipped' || result.status === 'cancelled') return ExitCode.OK;
  return result.errorKind ? exitCodeForKind(result.errorKind) : ExitCode.ITEM_FAILED;
}

/** Results we paid for must have somewhere to go: every output folder is made and probed first. */
async function ensureWritableFolders(items: readonly PlannedItem[]): Promise<void> {
  const folders = new Set(items.flatMap((item) => (item.outputBase ? [dirname(item.outputBase)] : [])));
  for (const folder of folders) {
    try {
      await mkdir(folder, { recursive: true });
      await access(folder, constants.W_OK);
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'EEXIST' || (error as NodeJS.ErrnoException).code === 'ENOTDIR' ? 'it is not a folder' : (error as Error).message;
      throw new UsageError(`cannot save results in ${folder}: ${reason}; nothing was sent`, { code: 'output-folder', hint: 'choose another folder with --out' });
    }
  }
}

/** --max-tasks counts the items that would need a task: those whose output does not exist yet. */
async function enforceMaxTasks(items: readonly PlannedItem[], maxTasks: number, overwrite: boolean): Promise<void> {
  let needed = 0;
  for (const item of items) {
    if (item.source.kind === 'unusable') continue;
    if (!overwrite && item.output && (await findSavedResult(item.output))) continue;
    needed++;
  }
  if (needed > maxTasks) {
    throw new UsageError(`this run would create up to ${needed} tasks, more than --max-tasks ${maxTasks}; nothing was sent`, {
      code: 'max-tasks',
      hint: 'check the plan with --dry-run, or raise --max-tasks',
    });
  }
}
