import { constants } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode } from '../../cli/exit-codes.js';
import { systemClock, type Clock } from '../../core/clock.js';
import { UsageError } from '../../core/errors.js';
import { openSettings, resolveApiKey } from '../../config/settings.js';
import type { Ledger } from '../../ledger/ledger.js';
import { expandInputs } from '../../runner/inputs.js';
import { planItems, type PlannedItem } from '../../runner/plan.js';
import { previewItems } from '../../runner/plan-decisions.js';
import type { RunSettings } from '../../runner/run-settings.js';
import { readAllStdin } from '../../terminal/stdin.js';
import { openLedger, runBatchSession } from '../shared/batch-session.js';
import { resolveBaseUrl } from '../shared/connection.js';
import type { StylizeOptions } from './define.js';
import { dryRunReports, printDryRun } from './dry-run.js';
import { resolveConcurrency, resolveRunSettings, resolveStyles } from './settings.js';

export async function runStylize(inputs: string[], options: StylizeOptions, context: CommandContext, clock: Clock = systemClock): Promise<number> {
  const { io } = context;
  const config = await openSettings(io.env);
  const knownKey = resolveApiKey(options.apiKey, io.env, config);
  if (knownKey) io.addSecret(knownKey.key);
  const styles = resolveStyles(options, config);
  const settings = resolveRunSettings(options);
  const concurrency = resolveConcurrency(options, config);
  const outDir = options.out ?? (config.get('out-dir') as string | undefined);
  if (options.offline && (options.baseUrl || options.apiKey)) throw new UsageError('--offline uses the built-in emulator: drop --base-url and --api-key');

  const sources = await expandInputs(inputs, { recursive: options.recursive === true, readStdin: () => readAllStdin(io.stdin) });
  if (sources.length === 0) throw new UsageError('no input images (stdin gave no paths)');
  const items = planItems(sources, styles, outDir);

  if (options.dryRun || options.maxTasks !== undefined) {
    const ledger = openLedger(io.env, clock, { offline: options.offline === true, lookOnly: true });
    try {
      if (options.dryRun) {
        const endpoint = `${options.offline ? 'http://127.0.0.1:<emulator port>' : resolveBaseUrl(options, io.env, config, io.info)}/model/v1/generation`;
        printDryRun(await dryRunReports(items, settings, ledger, clock.now()), endpoint, io, options.json === true);
        return ExitCode.OK;
      }
      await enforceMaxTasks(items, options.maxTasks!, settings, ledger, clock);
    } finally {
      ledger.close();
    }
  }
  await ensureWritableFolders(items);

  const { exitCode } = await runBatchSession(
    items,
    {
      flags: options,
      config,
      settings,
      concurrency,
      failFast: options.failFast === true,
      json: options.json === true,
      quiet: options.quiet === true,
      clock,
      resumeCommand: ['spark-style', ...process.argv.slice(2)],
      readStdin: inputs.includes('-'),
    },
    context,
  );
  return exitCode;
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

/** --max-tasks counts the items the run would create a task for: the same decisions as the run and --dry-run. */
async function enforceMaxTasks(items: readonly PlannedItem[], maxTasks: number, settings: RunSettings, ledger: Ledger, clock: Clock): Promise<void> {
  const previews = await previewItems(items, { ledger, settings, now: clock.now(), withBody: false });
  const needed = previews.filter((preview) => preview.decision.action === 'create').length;
  if (needed > maxTasks) {
    throw new UsageError(`this run would create ${needed} task${needed === 1 ? '' : 's'}, more than --max-tasks ${maxTasks}; nothing was sent`, {
      code: 'max-tasks',
      hint: 'check the plan with --dry-run, or raise --max-tasks',
    });
  }
}
