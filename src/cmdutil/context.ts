import type { Connection, ConnectionTarget, ConnectOptions } from './connection.js';
import type { Clock } from '../core/clock.js';
import type { Opener } from './open-viewer.js';
import type { IO } from '../terminal/io.js';

/**
 * What every command action receives: everything that differs between a real run and a test
 * (streams, time, the command line, the environment, the API), and a place to leave its exit
 * code. main.ts fills it for the process; tests build one with in-memory streams, a fake
 * clock and a client of their own, and run a command's core in-process.
 */
export interface CommandContext {
  readonly io: IO;
  exitCode: number;
  /** Set by --verbose anywhere on the line: stack traces and request logs on stderr. */
  verbose: boolean;
  /** --ledger anywhere on the line: a postgres:// URL a fleet shares, or a ledger file (cmdutil/ledger-choice.ts). */
  readonly ledger?: string;
  /** Time for every wait and every timestamp. */
  readonly clock: Clock;
  /** The command line as typed (process.argv): the command that resumes a run is built from it. */
  readonly argv: readonly string[];
  /** The environment (the same object as io.env): key, base URL, config folder. */
  readonly env: NodeJS.ProcessEnv;
  /** The API client for resolved connection flags (connection.ts), or the emulator's with --offline. */
  connect(target: ConnectionTarget, options?: ConnectOptions): Promise<Connection>;
  /** --open's viewer: the system's (the `open` package) unless a test records the calls instead. */
  readonly openViewer?: Opener;
}
