import type { IO } from '../../terminal/io.js';
import { palette } from '../../terminal/colors.js';
import type { ItemReport } from '../../watch/stylize-batch.js';

/** Counts for the heartbeat line. */
export interface WatchTally {
  saved: number;
  skipped: number;
  failed: number;
}

/**
 * One line per item: on stdout with --json (the object stylize --json prints, for log
 * shippers), else a line for people on stderr. A failed photo gets its one line and the watch
 * goes on; a vanished one is a dim note, not an error.
 */
export function itemRenderer(io: IO, json: boolean, tally: WatchTally): (report: ItemReport) => void {
  const paint = palette(io.colorEnabled);
  return (report) => {
    if (report.kind === 'vanished') {
      if (json) io.print(JSON.stringify({ input: report.path, status: 'vanished' }));
      else io.info(paint.dim(`${report.path}: gone before it was sent (not an error)`));
      return;
    }
    const { input, style, status, output, task_id, cost, error } = report.result;
    if (status === 'saved') tally.saved += 1;
    else if (status === 'skipped') tally.skipped += 1;
    else if (status === 'failed') tally.failed += 1;
    if (json) return io.print(JSON.stringify({ input, style, status, output, task_id, cost, error }));
    if (status === 'saved') io.info(`${paint.ok('saved')} ${output} ${paint.dim(`(${style}${cost ? `, $${cost}` : ''})`)}`);
    else if (status === 'failed') io.info(`${paint.error('failed')} ${input} (${style}): ${error?.message ?? 'unknown error'}`);
    else if (status !== 'skipped') io.info(paint.dim(`${status} ${input} (${style})${error ? `: ${error.message}` : ''}`));
  };
}
