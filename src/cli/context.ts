import type { IO } from '../terminal/io.js';

/** What every command action receives: the streams, and a place to leave its exit code. */
export interface CommandContext {
  readonly io: IO;
  exitCode: number;
  /** Set by --verbose anywhere on the line: stack traces and request logs on stderr. */
  verbose: boolean;
}
