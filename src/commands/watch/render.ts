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
  // What this watch saved, by photo and style: a photo is sent again only when its file changed,
  // so one of these coming back "skipped" is a new version whose result name is still taken.
  const savedHere = new Map<string, string>();
  return (report) => {
    if (report.kind === 'vanished') {
      if (json) io.print(JSON.stringify({ input: report.path, status: 'vanished' }));
      else io.info(paint.dim(`${report.path}: gone before it was sent (not an error)`));
      return;
    }
    const { input, style, status, output, task_id, cost, error } = report.result;
    const earlier = savedHere.get(`${input}\0${style}`);
    if (status === 'skipped' && earlier !== undefined) io.info(paint.warn(changedPhotoWarning(input, earlier)));
    if (status === 'saved' && output) savedHere.set(`${input}\0${style}`, output);
    if (status === 'saved') tally.saved += 1;
    else if (status === 'skipped') tally.skipped += 1;
    else if (status === 'failed') tally.failed += 1;
    if (json) return io.print(JSON.stringify({ input, style, status, output, task_id, cost, error }));
    if (status === 'saved') io.info(`${paint.ok('saved')} ${output} ${paint.dim(`(${style}${cost ? `, $${cost}` : ''})`)}`);
    else if (status === 'failed') io.info(`${paint.error('failed')} ${input} (${style}): ${error?.message ?? 'unknown error'}`);
    else if (status !== 'skipped') io.info(paint.dim(`${status} ${input} (${style})${error ? `: ${error.message}` : ''}`));
  };
}

/** The one line for a photo rewritten after its result was saved: nothing is overwritten, and the way out. */
function changedPhotoWarning(input: string, result: string): string {
  return `${input} changed after its result ${result} was saved; the new version was not sent, because that name is taken and a saved result is never overwritten: move or rename ${result}, then touch the photo to stylize the new version`;
}
