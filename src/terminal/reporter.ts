import type { ItemOutcome, ItemRef, ItemResult, RunEvent } from '../engine/types.js';
import { failureLines, palette, type Palette } from './colors.js';
import type { IO } from './io.js';
import { startProgress, type Progress } from './progress.js';
import { forDisplay } from './sanitize.js';
import { describeSummary, formatDuration, type Summary } from './summary.js';

export interface ReporterOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly total: number;
  /** --offline: tasks left at the end stopped with the emulator; none is still running anywhere. */
  readonly offline?: boolean;
  /** Elapsed times on the live line; Date.now unless a test brings its own clock. */
  readonly now?: () => number;
}

/**
 * How a run looks. stdout carries results only: the saved path per item, or one JSON object
 * per item and a final summary object. stderr carries the rest: on a terminal a live spinner
 * line and one line per item that did not simply save; in a pipe, plain lines only.
 */
export class RunReporter {
  private readonly paint: Palette;
  private progress: Progress | null = null;
  private readonly now: () => number;
  private readonly started: number;
  private readonly running = new Map<number, { item: ItemRef; progress: number | null; status: string; since: number }>();
  private finished = 0;
  private failed = 0;
  private ticker: NodeJS.Timeout | null = null;
  /** A hint is worth reading once: the same advice for every photo of a batch is noise. */
  private readonly hintsShown = new Set<string>();
  /** The same warning from every item (a full disk) is one line. */
  private readonly warningsShown = new Set<string>();
  /** What preparing a photo did is the same for each of its styles: said once per input. */
  private readonly notesShown = new Set<string>();

  constructor(
    private readonly io: IO,
    private readonly options: ReporterOptions,
  ) {
    this.paint = palette(io.colorEnabled);
    this.now = options.now ?? Date.now;
    this.started = this.now();
  }

  start(): void {
    if (this.options.quiet) return;
    this.progress = startProgress(this.io, this.liveText());
    this.ticker = setInterval(() => this.refresh(), 1000);
    this.ticker.unref();
  }

  handle(event: RunEvent): void {
    switch (event.type) {
      case 'run-started':
      case 'run-finished':
      case 'input-left-out':
        return;
      case 'notice':
        if (event.code === 'stopping') this.alert(this.paint.warn(`${event.message} (Ctrl-C again to quit at once)`));
        else this.note(this.paint.warn(event.message));
        return;
      case 'item-started':
        this.running.set(event.item.index, { item: event.item, progress: null, status: 'checking', since: this.now() });
        break;
      case 'task-created': {
        const entry = this.running.get(event.item.index);
        if (entry) entry.status = event.reused ? 'collecting' : 'queued';
        break;
      }
      case 'progress': {
        const entry = this.running.get(event.item.index);
        if (entry) {
          entry.progress = event.progress;
          entry.status = event.status;
        }
        break;
      }
      case 'retrying':
        this.note(this.paint.dim(`${event.item.input} (${event.item.style}): retrying in ${(event.delayMs / 1000).toFixed(1)}s: ${event.reason}`));
        break;
      case 'warning':
        if (this.warningsShown.has(event.message)) return;
        this.warningsShown.add(event.message);
        this.alert(this.paint.warn(`warning: ${event.message}`));
        return;
      case 'item-finished':
        this.running.delete(event.item.index);
        this.finished++;
        if (event.result.status === 'failed') this.failed++;
        // Counters first, so the spinner redrawn under the printed line already shows them.
        this.refresh();
        this.printResult(event.result);
        return;
    }
    this.refresh();
  }

  /** A line on stderr that does not tear the spinner; --quiet leaves it out. */
  note(line: string): void {
    if (this.options.quiet) return;
    this.withSpinnerCleared(() => this.io.info(line));
  }

  /** Always shown, even with --quiet: errors and the interrupt notice. */
  alert(line: string): void {
    this.withSpinnerCleared(() => this.io.info(line));
  }

  finish(summary: Summary): void {
    if (this.ticker) clearInterval(this.ticker);
    this.progress?.stop();
    if (this.options.json) this.io.print(JSON.stringify({ summary }));
    if (!this.options.quiet) this.io.info(this.paint.bold(describeSummary(summary, { offline: this.options.offline === true })));
  }

  private printResult(result: ItemOutcome): void {
    const what = `${result.input} (${result.style})`;
    this.withSpinnerCleared(() => {
      if (this.options.json) this.io.print(JSON.stringify(jsonResult(result)));
      else if (result.status === 'saved') this.io.print(result.output!);
      else if (this.options.quiet && result.status === 'skipped' && result.output) this.io.print(result.output);
      if (!this.options.quiet) for (const note of this.firstTimeNotes(result)) this.io.info(this.paint.dim(`${result.input}: ${note}`));
      if (result.status === 'skipped' && !this.options.quiet)
        this.io.info(this.paint.dim(`skipped ${what}: ${result.hint ?? `${result.output} exists (--overwrite replaces it)`}`));
      // Items never started are counted in the summary; a line each would bury the error that stopped them.
      if (result.status === 'failed') {
        const hint = result.hint && !this.options.quiet && !this.hintsShown.has(result.hint) ? result.hint : null;
        if (hint) this.hintsShown.add(hint);
        for (const line of failureLines(this.paint, what, result.error?.message ?? 'failed', hint)) this.io.info(line);
      }
    });
  }

  private firstTimeNotes(result: ItemOutcome): string[] {
    const fresh = result.notes.filter((note) => !this.notesShown.has(`${result.input}\n${note}`));
    for (const note of fresh) this.notesShown.add(`${result.input}\n${note}`);
    return fresh;
  }

  private withSpinnerCleared(write: () => void): void {
    if (this.progress) this.progress.above(write);
    else write();
  }

  private refresh(): void {
    this.progress?.update(this.liveText());
  }

  /** The spinner writes to the stream itself, past IO's filter: file names in it are made safe here. */
  private liveText(): string {
    return forDisplay(this.describeRunning());
  }

  private describeRunning(): string {
    const elapsed = this.now() - this.started;
    if (this.options.total === 1) {
      const [entry] = this.running.values();
      if (!entry) return `working · ${formatDuration(elapsed)}`;
      const progress = entry.progress === null ? '' : ` · ${Math.round(entry.progress * 100)}%`;
      return `${entry.item.style} · ${entry.item.input} · ${entry.status}${progress} · ${formatDuration(this.now() - entry.since)}`;
    }
    const parts = [`${this.finished}/${this.options.total} done`];
    if (this.failed) parts.push(`${this.failed} failed`);
    if (this.running.size) parts.push(`${this.running.size} running`);
    parts.push(`${formatDuration(elapsed)} elapsed`);
    if (this.finished > 0 && this.finished < this.options.total) {
      parts.push(`ETA ${formatDuration((elapsed / this.finished) * (this.options.total - this.finished))}`);
    }
    return parts.join(' · ');
  }
}

/** The object --json prints per item: the public ItemResult, nothing more. */
function jsonResult(result: ItemOutcome): ItemResult {
  const { input, style, status, output, task_id, cost, error } = result;
  return { input, style, status, output, task_id, cost, error };
}
