import { mkdir, realpath, stat } from 'node:fs/promises';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { handleInterrupts } from '../../cmdutil/interrupt.js';
import { keyToHide } from '../../cmdutil/key-to-hide.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import { createSparkStyle, type StylizeOptions } from '../../index.js';
import { SessionAllowance } from '../../session/allowance.js';
import { microToUsd, usdToMicro } from '../../session/usd.js';
import { palette } from '../../terminal/colors.js';
import { FolderWatch, type WatchNotes } from '../../watch/folder-watch.js';
import { engineBatch } from '../../watch/stylize-batch.js';
import type { WatchOptions } from './define.js';
import { itemRenderer, type WatchTally } from './render.js';

/** How often a settling file is looked at; the heartbeat's period with --verbose. */
const POLL_MS = 500;
const HEARTBEAT_MS = 60_000;

/**
 * `spark-style watch`: runs until a stop signal. The first one stops taking photos and lets
 * the batch in flight end as Ctrl-C ends a run (its creates recorded, so the next start
 * collects them); a second one leaves at once, and the ledger still knows every paid task.
 */
export async function runWatch(folderArgs: string[], options: WatchOptions, context: CommandContext): Promise<number> {
  const { io, clock } = context;
  const paint = palette(io.colorEnabled);
  const budgetMicro = options.budget === undefined ? null : usdToMicro(options.budget);
  if (options.budget !== undefined && budgetMicro === null)
    throw new UsageError(`--budget ${options.budget}: expected an amount in US dollars, such as 5 or 2.50`);
  const quietMs = parseDuration(options.settle, '--settle');
  if (options.recursive && options.out !== undefined) {
    throw new UsageError(
      '--recursive with --out: photos of the same name in two subfolders would share one result name; drop --out to save beside each photo',
      {
        code: 'watch-recursive-out',
      },
    );
  }
  const folders = await Promise.all(folderArgs.map(watchedFolder));
  const outDir = options.out === undefined ? null : await outputFolder(options.out);
  const key = await keyToHide(context.env);
  if (key) io.addSecret(key);
  const client = createSparkStyle({
    loadConfig: true,
    env: context.env,
    clock,
    offline: options.offline === true,
    baseUrl: options.baseUrl,
    insecure: options.insecure,
    log: context.verbose ? (line: string) => io.info(paint.dim(line)) : undefined,
  });
  const tally: WatchTally = { saved: 0, skipped: 0, failed: 0 };
  const allowance = new SessionAllowance({ budgetMicro, maxTasks: options.maxTasks ?? null });
  const watch = new FolderWatch({
    folders,
    // --out may be a watched folder itself: then its photos stay inputs, and the results are told apart by name and mark.
    neverInputs: { outputFolders: outDir && !folders.includes(outDir) ? [outDir] : [], aliases: client.styles().map((style) => style.alias) },
    allowance,
    clock,
    quietMs,
    pollMs: Math.min(POLL_MS, quietMs),
    usePolling: options.polling === true,
    recursive: options.recursive === true,
    runBatch: engineBatch(client, stylizeOptionsOf(options, outDir), itemRenderer(io, options.json === true, tally)),
    notes: watchNotes(context, allowance),
  });
  const interrupt = handleInterrupts(context.process, () =>
    io.info(paint.warn('stopping: no new photos; the batch in flight ends and is recorded (again to quit at once)')),
  );
  try {
    await watch.start();
    io.info(`watching ${folders.join(', ')}${outDir ? ` → ${outDir}` : ''}${options.offline ? ' (offline emulator)' : ''}; stop with Ctrl-C`);
    await untilAborted(interrupt.signal, context.verbose ? () => heartbeat(io, tally, watch, allowance) : null, clock);
    await watch.stop();
  } finally {
    interrupt.dispose();
    await client.close();
  }
  return ExitCode.INTERRUPTED;
}

function stylizeOptionsOf(options: WatchOptions, outDir: string | null): StylizeOptions {
  return {
    styles: options.style?.split(',').map((style) => style.trim()),
    outDir: outDir ?? undefined,
    name: options.name,
    fix: options.fix === true,
    resendUnknown: options.resendUnknown === true,
    watermark: options.watermark === true,
    concurrency: options.concurrency,
    timeout: options.timeout,
  };
}

/** What the watch says besides items: notes only with --verbose, the cap and watcher trouble always. */
function watchNotes({ io, verbose }: Pick<CommandContext, 'io' | 'verbose'>, allowance: SessionAllowance): WatchNotes {
  const paint = palette(io.colorEnabled);
  const note = (line: string) => verbose && io.info(paint.dim(line));
  return {
    leftOut: (path, why) => note(`left out ${path}: ${why}`),
    vanished: (path) => note(`${path}: gone before it was whole (not an error)`),
    empty: (path) => note(`${path}: empty; waiting for its bytes`),
    capReached: () =>
      io.info(paint.warn(`budget: the watch's cap is reached (${capText(allowance)}); no new tasks are created, tasks in flight are still collected`)),
    watcherError: (error) => io.info(paint.warn(`watch: ${error.message}`)),
  };
}

async function watchedFolder(folder: string): Promise<string> {
  const real = await realpath(folder).catch(() => null);
  if (real === null || !(await stat(real)).isDirectory()) throw new UsageError(`${folder}: not an existing folder`, { code: 'watch-folder' });
  return real;
}

/** --out is made first, then resolved: the watch compares real paths to keep it out of the inputs. */
async function outputFolder(out: string): Promise<string> {
  await mkdir(out, { recursive: true }).catch((error: Error) => {
    throw new UsageError(`--out ${out}: cannot make this folder (${error.message})`, { code: 'output-folder' });
  });
  return realpath(out);
}

/** Waits for the stop signal, beating every HEARTBEAT_MS on the injected clock when asked to. */
async function untilAborted(signal: AbortSignal, beat: (() => void) | null, clock: CommandContext['clock']): Promise<void> {
  if (beat === null) {
    if (!signal.aborted) await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
    return;
  }
  while (!signal.aborted) {
    await clock.sleep(HEARTBEAT_MS, signal).catch(() => {});
    if (!signal.aborted) beat();
  }
}

function heartbeat(io: CommandContext['io'], tally: WatchTally, watch: FolderWatch, allowance: SessionAllowance): void {
  io.info(
    `watch: ${tally.saved} saved, ${tally.skipped} skipped, ${tally.failed} failed, ${watch.waiting} waiting; spent $${microToUsd(allowance.spentMicro)}`,
  );
}

function capText(allowance: SessionAllowance): string {
  const parts = [];
  if (allowance.limits.budgetMicro !== null) parts.push(`$${microToUsd(allowance.spentMicro)} of --budget $${microToUsd(allowance.limits.budgetMicro)}`);
  if (allowance.limits.maxTasks !== null) parts.push(`${allowance.tasksCreated} of --max-tasks ${allowance.limits.maxTasks}`);
  return parts.join(', ');
}
