import ora from 'ora';
import type { IO } from './io.js';

/**
 * The live line on stderr (a spinner and a short status), the same for every command that
 * waits: `stylize` through RunReporter, `status --wait` directly.
 */
export interface Progress {
  /** Replaces the text of the live line. */
  update(text: string): void;
  /** Runs `write` with the live line cleared, then draws it again below what was written. */
  above(write: () => void): void;
  stop(): void;
}

/**
 * A live line only on a terminal, and not while stdout feeds another program (`| tee`) that
 * may print to the same terminal: lines it cannot clear would tear the spinner.
 */
function progressAllowed(io: IO): boolean {
  return io.stderrIsTTY && !io.stdoutIsPipe;
}

const quiet: Progress = { update: () => undefined, above: (write) => write(), stop: () => undefined };

/** A spinner on stderr when progressAllowed(io), else a Progress that draws nothing. */
export function startProgress(io: IO, text: string): Progress {
  if (!progressAllowed(io)) return quiet;
  const stream = withWidth(io.stderr as NodeJS.WriteStream, () => io.columns);
  const spinner = ora({ stream, text, isEnabled: true, color: io.colorEnabled ? 'cyan' : false, discardStdin: false }).start();
  return {
    update: (next) => {
      if (spinner.isSpinning) spinner.text = next;
    },
    above: (write) => {
      if (!spinner.isSpinning) return write();
      spinner.clear();
      write();
      spinner.render();
    },
    stop: () => void spinner.stop(),
  };
}

/**
 * The stream as ora sees it: the same stream, `io.columns` wide. ora counts the lines it must
 * clear as text width / stream.columns: a terminal that reported 0 columns made that Infinity,
 * and a 6-item offline run wrote 900 MB of cursor movements. ora also replaces `write` on the
 * stream while it spins and puts it back when it stops: on this view, that stays on the view.
 */
function withWidth(stream: NodeJS.WriteStream, columns: () => number): NodeJS.WriteStream {
  const replaced = new Map<PropertyKey, unknown>();
  return new Proxy(stream, {
    get: (target, property) => {
      if (property === 'columns') return columns();
      if (replaced.has(property)) return replaced.get(property);
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
    set: (_target, property, value) => {
      replaced.set(property, value);
      return true;
    },
  });
}
