import { basename, join } from 'node:path';
import type { Task } from '../../api/wire.js';
import type { CommandContext } from '../../cli/context.js';
import { ExitCode, exitCodeForKind, worstExitCode } from '../../cli/exit-codes.js';
import { handleInterrupts } from '../../cli/interrupt.js';
import { systemClock } from '../../core/clock.js';
import { parseDuration } from '../../core/duration.js';
import { isSparkError } from '../../core/errors.js';
import { shellCommand } from '../../core/shell-quote.js';
import { ledgerPath } from '../../config/paths.js';
import { openSettings } from '../../config/settings.js';
import { Ledger } from '../../ledger/ledger.js';
import { sanitizeStem } from '../../runner/output-names.js';
import { pollTask } from '../../runner/poll.js';
import { writeAtomically } from '../../runner/save.js';
import { verifyImage } from '../../runner/verify-result.js';
import { palette } from '../../terminal/colors.js';
import { openConnection, type Connection } from '../shared/connection.js';
import type { StatusOptions } from './define.js';

interface StatusReport {
  task_id: string;
  status: string;
  progress: number | null;
  cost: string | null;
  results: string[];
  error: { code: string | null; message: string } | null;
  saved: string[];
}

export async function runStatus(taskIds: string[], options: StatusOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const paint = palette(io.colorEnabled);
  const timeoutMs = parseDuration(options.timeout ?? '600');
  const config = await openSettings(io.env);
  const journal = Ledger.open(ledgerPath(io.env), systemClock);
  const connection = await openConnection(options, io.env, config, {
    warn: (line) => io.info(paint.warn(line)),
    addSecret: (secret) => io.addSecret(secret),
    log: context.verbose ? (line) => io.info(paint.dim(line)) : undefined,
  });
  const interrupt = handleInterrupts();
  const codes: number[] = [];
  try {
    for (const taskId of taskIds) {
      try {
        const report = await statusOf(taskId, options, connection, journal, interrupt.signal, timeoutMs, context);
        print(report, options.json === true, context);
        codes.push(report.status === 'failed' ? ExitCode.ITEM_FAILED : ExitCode.OK);
      } catch (error) {
        if (!isSparkError(error)) throw error;
        if (options.json) io.print(JSON.stringify({ task_id: taskId, status: 'error', error: { code: error.code, message: error.message } }));
        io.info(`${paint.error('✖')} ${taskId}: ${error.message}`);
        if (error.hint) io.info(paint.dim(`  hint: ${error.hint}`));
        codes.push(exitCodeForKind(error.kind));
      }
    }
  } finally {
    interrupt.dispose();
    journal.close();
    await connection.close();
  }
  return worstExitCode(codes);
}

async function statusOf(
  taskId: string,
  options: StatusOptions,
  connection: Connection,
  journal: Ledger,
  signal: AbortSignal,
  timeoutMs: number,
  { io }: CommandContext,
): Promise<StatusReport> {
  let task: Task;
  if (options.wait) {
    const spinner = io.stderrIsTTY ? (await import('ora')).default({ stream: io.stderr as NodeJS.WriteStream, text: `${taskId} · waiting` }).start() : null;
    const started = Date.now();
    try {
      task = await pollTask(connection.client, taskId, {
        clock: systemClock,
        deadline: Date.now() + timeoutMs,
        signal,
        recoveryCommand: shellCommand(['spark-style', 'status', taskId, '--wait', ...(options.save ? ['--save', options.save] : [])]),
        onUpdate: (update) => {
          if (spinner) spinner.text = `${taskId} · ${update.status}${update.progress === null ? '' : ` · ${Math.round(update.progress * 100)}%`} · ${Math.round((Date.now() - started) / 1000)}s`;
        },
      }).catch((error: unknown) => {
        // A failed task is a report, not an error of this command.
        if (isSparkError(error) && error.kind === 'task-failed') return connection.client.getTask(taskId, { signal });
        throw error;
      });
    } finally {
      spinner?.stop();
    }
  } else {
    task = await connection.client.getTask(taskId, { signal });
  }
  const saved: string[] = [];
  if (options.save && task.state === 'completed') {
    const known = journal.findTask(taskId);
    // Named as stylize would have named it when the journal knows the task; else by its id.
    const stem = known?.outputBase ? basename(known.outputBase) : sanitizeStem(taskId);
    for (const [index, result] of task.results.entries()) {
      const bytes = await connection.client.downloadResult(result, { signal });
      // Saved only when the bytes decode as an image: never a .bin of somebody's error page.
      const name = `${stem}${index === 0 ? '' : `-${index + 1}`}.${await verifyImage(bytes)}`;
      saved.push(await writeAtomically(join(options.save, name), bytes, options.overwrite === true));
    }
    if (known && saved.length) journal.recordSaved(taskId, saved[0]!, task.cost);
  }
  return {
    task_id: task.id,
    status: task.status,
    progress: task.progress,
    cost: task.cost,
    results: task.results.map((result) => (result.kind === 'url' ? result.url : '(inline base64 image)')),
    error: task.error,
    saved,
  };
}

function print(report: StatusReport, json: boolean, { io }: CommandContext): void {
  if (json) {
    io.print(JSON.stringify(report));
    return;
  }
  const paint = palette(io.colorEnabled && io.stdoutIsTTY);
  const progress = report.progress === null || report.status === 'completed' ? '' : ` ${Math.round(report.progress * 100)}%`;
  const cost = report.cost === null ? '' : ` · $${report.cost}`;
  const colour = report.status === 'completed' ? paint.ok : report.status === 'failed' ? paint.error : (text: string) => text;
  io.print(`${report.task_id}: ${colour(report.status)}${progress}${cost}`);
  if (report.error) io.print(`  error: ${report.error.code ? `${report.error.code} ` : ''}${report.error.message}`);
  for (const url of report.results) io.print(`  result: ${url}`);
  for (const path of report.saved) io.print(`  saved: ${path}`);
}
