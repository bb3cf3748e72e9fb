import type { CommandContext } from '../../cmdutil/context.js';
import { engineFor } from '../../cmdutil/engine.js';
import { ExitCode, exitCodeForKind, worstExitCode } from '../../cmdutil/exit-codes.js';
import { handleInterrupts } from '../../cmdutil/interrupt.js';
import type { TaskReport, TaskStatus } from '../../engine/types.js';
import { failureLines, palette, stdoutPalette } from '../../terminal/colors.js';
import { startProgress } from '../../terminal/progress.js';
import { forDisplay } from '../../terminal/sanitize.js';
import { formatDuration } from '../../terminal/summary.js';
import type { StatusOptions } from './define.js';

/** `status`: the library looks each task up (waits, saves); the command shows a spinner while it waits and prints each report. */
export async function runStatus(taskIds: string[], options: StatusOptions, context: CommandContext): Promise<number> {
  const { io, clock } = context;
  const paint = palette(io.colorEnabled);
  const engine = await engineFor(context, options);
  engine.log = (line) => io.info(paint.dim(line));
  const interrupt = handleInterrupts(context.process);
  const codes: number[] = [];
  try {
    for (const taskId of taskIds) {
      const progress = options.wait ? startProgress(io, `${forDisplay(taskId, 140)} · waiting`) : null;
      const started = clock.now();
      let report: TaskStatus;
      try {
        [report] = (await engine.client.status([taskId], {
          wait: options.wait,
          save: options.save,
          overwrite: options.overwrite,
          timeout: options.timeout,
          signal: interrupt.signal,
          onProgress: (update) => {
            const percent = update.progress === null ? '' : ` · ${Math.round(update.progress * 100)}%`;
            progress?.update(`${forDisplay(taskId, 140)} · ${update.status}${percent} · ${formatDuration(clock.now() - started)}`);
          },
        })) as [TaskStatus];
      } finally {
        progress?.stop();
      }
      codes.push(show(report, options, context));
    }
  } finally {
    interrupt.dispose();
    await engine.client.close();
  }
  return worstExitCode(codes);
}

/** One task's report (or why it could not be looked up); returns the exit code it stands for. */
function show(report: TaskStatus, options: StatusOptions, context: CommandContext): number {
  const { io } = context;
  if (report.status === 'error' && 'errorKind' in report) {
    if (options.json) io.print(JSON.stringify({ task_id: report.task_id, status: 'error', error: report.error }));
    for (const line of failureLines(palette(io.colorEnabled), report.task_id, report.error.message, report.hint)) io.info(line);
    return exitCodeForKind(report.errorKind);
  }
  const { notes, ...printed } = report as TaskReport;
  for (const note of notes ?? []) io.info(`${report.task_id}: ${note}`);
  print(printed, options.json === true, context);
  return report.status === 'failed' ? ExitCode.ITEM_FAILED : ExitCode.OK;
}

function print(report: TaskReport, json: boolean, { io }: CommandContext): void {
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
