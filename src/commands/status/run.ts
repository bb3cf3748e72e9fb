import { basename } from 'node:path';
import type { Task } from '../../api/wire.js';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode, exitCodeForKind, worstExitCode } from '../../cmdutil/exit-codes.js';
import { handleInterrupts } from '../../cmdutil/interrupt.js';
import { DEFAULT_TIMEOUT } from '../../core/defaults.js';
import { parseDuration } from '../../core/duration.js';
import { isSparkError } from '../../core/errors.js';
import { shellCommand } from '../../core/shell-quote.js';
import { rescuedResultsDir } from '../../config/paths.js';
import { openConfigFile } from '../../config/config-file.js';
import { resolveStyle } from '../../catalog/styles.js';
import type { Ledger, LedgerEntry } from '../../ledger/ledger.js';
import { openLedgerAt } from '../../ledger/open-ledger.js';
import { chooseLedger } from '../../cmdutil/ledger-choice.js';
import { outputInFolder } from '../../naming/output-path.js';
import { isUrl } from '../../runner/inputs.js';
import { pollTask } from '../../runner/poll.js';
import { collectUnderClaim } from '../../runner/collect-claimed.js';
import { provenanceFor, saveResult } from '../../runner/save.js';
import { verifyImage } from '../../runner/verify-result.js';
import { failureLines, palette, stdoutPalette } from '../../terminal/colors.js';
import { startProgress } from '../../terminal/progress.js';
import { forDisplay } from '../../terminal/sanitize.js';
import { formatDuration } from '../../terminal/summary.js';
import { resolveConnection, type Connection } from '../../cmdutil/connection.js';
import type { StatusOptions } from './define.js';

interface StatusReport {
  task_id: string;
  status: string;
  progress: number | null;
  cost: string | null;
  results: string[];
  error: { code: string | null; message: string } | null;
  saved: string[];
  /** Only when the task claimed more results than are kept (MAX_RESULTS_PER_TASK). */
  results_left_out?: number;
}

export async function runStatus(taskIds: string[], options: StatusOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const paint = palette(io.colorEnabled);
  const timeoutMs = parseDuration(options.timeout ?? DEFAULT_TIMEOUT);
  const config = await openConfigFile(context.env);
  const target = resolveConnection(options, config, io);
  const ledger = await openLedgerAt(chooseLedger(context.ledger, io).location, context.clock, { env: context.env });
  const connection = await context.connect(target, { log: context.verbose ? (line) => io.info(paint.dim(line)) : undefined });
  const interrupt = handleInterrupts();
  const codes: number[] = [];
  try {
    for (const taskId of taskIds) {
      try {
        const report = await statusOf(taskId, options, connection, ledger, interrupt.signal, timeoutMs, context);
        print(report, options.json === true, context);
        codes.push(report.status === 'failed' ? ExitCode.ITEM_FAILED : ExitCode.OK);
      } catch (error) {
        if (!isSparkError(error)) throw error;
        if (options.json) io.print(JSON.stringify({ task_id: taskId, status: 'error', error: { code: error.code, message: error.message } }));
        for (const line of failureLines(paint, taskId, error.message, error.hint)) io.info(line);
        codes.push(exitCodeForKind(error.kind));
      }
    }
  } finally {
    interrupt.dispose();
    await ledger.close();
    await connection.close();
  }
  return worstExitCode(codes);
}

async function statusOf(
  taskId: string,
  options: StatusOptions,
  connection: Connection,
  ledger: Ledger,
  signal: AbortSignal,
  timeoutMs: number,
  { io, clock }: CommandContext,
): Promise<StatusReport> {
  let task: Task;
  // --timeout bounds the downloads of --save too: a trickling result host cannot hold the command.
  const deadline = clock.now() + timeoutMs;
  if (options.wait) {
    const progress = startProgress(io, `${forDisplay(taskId, 140)} · waiting`);
    const started = clock.now();
    try {
      task = await pollTask(connection.client, taskId, {
        clock,
        deadline,
        signal,
        recoveryCommand: shellCommand(['spark-style', 'status', taskId, '--wait', ...(options.save ? ['--save', options.save] : [])]),
        onUpdate: (update) => {
          const percent = update.progress === null ? '' : ` · ${Math.round(update.progress * 100)}%`;
          progress.update(`${forDisplay(taskId, 140)} · ${update.status}${percent} · ${formatDuration(clock.now() - started)}`);
        },
      }).catch((error: unknown) => {
        // A failed task is a report, not an error of this command.
        if (isSparkError(error) && error.kind === 'task-failed') return connection.client.getTask(taskId, { signal });
        throw error;
      });
    } finally {
      progress.stop();
    }
  } else {
    task = await connection.client.getTask(taskId, { signal });
  }
  const saved =
    options.save && task.state === 'completed' ? await saveCompleted(task, taskId, options.save, { options, connection, ledger, signal, deadline, io }) : [];
  return {
    task_id: task.id,
    status: task.status,
    progress: task.progress,
    cost: task.cost,
    results: task.results.map((result) => (result.kind === 'url' ? result.url : '(inline base64 image)')),
    error: task.error,
    saved,
    ...(task.resultsLeftOut > 0 ? { results_left_out: task.resultsLeftOut } : {}),
  };
}

/**
 * --save of a completed task: named as stylize would have named it when the ledger knows the
 * task (and then under the item's claim, runner/collect-claimed.ts), else by its id.
 */
async function saveCompleted(
  task: Task,
  taskId: string,
  folder: string,
  parts: { options: StatusOptions; connection: Connection; ledger: Ledger; signal: AbortSignal; deadline: number; io: CommandContext['io'] },
): Promise<string[]> {
  const { options, connection, ledger, signal, deadline, io } = parts;
  const saved: string[] = [];
  const known = await ledger.findTask(taskId);
  // Named as stylize would have named it when the ledger knows the task; else by its id.
  const output = outputInFolder(folder, known?.outputBase ? basename(known.outputBase) : null);
  const provenance = known ? await provenanceOfRecorded(known, taskId) : null;
  const download = async (): Promise<string[]> => {
    const paths: string[] = [];
    for (const [index, result] of task.results.entries()) {
      const bytes = await connection.client.downloadResult(result, { signal, deadline });
      // Saved only when the bytes decode as an image: never a .bin of somebody's error page.
      await verifyImage(bytes);
      const savedAs = await saveResult({
        output,
        bytes,
        taskId,
        index,
        overwrite: options.overwrite === true,
        provenance,
        rescueFolder: rescuedResultsDir(io.env),
      });
      paths.push(savedAs.path);
      for (const note of savedAs.notes) io.info(`${taskId}: ${note}`);
    }
    return paths;
  };
  const collected = known ? await collectUnderClaim(ledger, known, folder, download) : { saved: await download(), note: null };
  saved.push(...collected.saved);
  if (collected.note) io.info(`${taskId}: ${collected.note}`);
  if (known && saved.length) await ledger.recordSaved(taskId, saved[0]!, task.cost);
  return saved;
}

function print(report: StatusReport, json: boolean, { io }: CommandContext): void {
  if (json) {
    io.print(JSON.stringify(report));
    return;
  }
  const paint = stdoutPalette(io);
  const progress = report.progress === null || report.status === 'completed' ? '' : ` ${Math.round(report.progress * 100)}%`;
  // A cost that is absent or not a sane amount is unknown, never a reason to hold back a result.
  const cost = report.cost !== null ? ` · $${report.cost}` : report.status === 'completed' ? ' · cost unknown' : '';
  const colour = report.status === 'completed' ? paint.ok : report.status === 'failed' ? paint.error : (text: string) => text;
  io.print(`${report.task_id}: ${colour(report.status)}${progress}${cost}`);
  if (report.error) io.print(`  error: ${report.error.code ? `${report.error.code} ` : ''}${report.error.message}`);
  for (const url of report.results) io.print(`  result: ${url}`);
  if (report.results_left_out)
    io.print(`  note: the task claimed ${report.results.length + report.results_left_out} images; kept the first ${report.results.length}`);
  for (const path of report.saved) io.print(`  saved: ${path}`);
}

/** A result collected by id carries the provenance stylize would have given it (its default: no GPS). */
async function provenanceOfRecorded(known: LedgerEntry, taskId: string) {
  try {
    const source = isUrl(known.input) ? ({ kind: 'url', url: known.input } as const) : ({ kind: 'file', path: known.input, relativeDir: '' } as const);
    return await provenanceFor(source, resolveStyle(known.style), taskId, { provenance: true, keepGps: false, rescueFolder: null });
  } catch {
    return null; // a ledger row from another version: save the result as received
  }
}
