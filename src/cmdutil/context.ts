import type { Connection, ConnectionTarget, ConnectOptions } from './connection.js';
import type { Clock } from '../core/clock.js';
import type { Opener } from './open-viewer.js';
import type { IO } from '../terminal/io.js';

/** The signals that mean "stop" (Ctrl-C, kill, a closed terminal); all are handled alike. */
export type StopSignal = 'SIGINT' | 'SIGTERM' | 'SIGHUP';

/**
 * The part of the process a command may act on: hear stop signals, leave at once. main.ts
 * hands in the real process; the in-process test harness a fake one, so a test run installs
 * no signal handler and never ends the test worker.
 */
export interface ProcessControl {
  on(signal: StopSignal, listener: () => void): unknown;
  off(signal: StopSignal, listener: () => void): unknown;
  exit(code: number): void;
}

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
  /** Stop signals and exit (interrupt.ts, a closed stdout pipe): the process itself, or a test's fake. */
  readonly process: ProcessControl;
  /** The API client for resolved connection flags (connection.ts), or the emulator's with --offline. */
  connect(target: ConnectionTarget, options?: ConnectOptions): Promise<Connection>;
  /** --open's viewer: the system's (the `open` package) unless a test records the calls instead. */
  readonly openViewer?: Opener;
}
