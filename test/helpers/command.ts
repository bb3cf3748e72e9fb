import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { beforeEach } from 'vitest';
import { main, type Surroundings } from '../../src/cli/main.js';
import type { CommandContext, ProcessControl, StopSignal } from '../../src/cmdutil/context.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/server.js';
import { createIO } from '../../src/terminal/io.js';
import { CLI } from './cli.js';
import { afterThisTest } from './cleanup.js';
import { emulator } from './emulator.js';
import { sharpIdle } from './sharp-idle.js';
import { fakePipe, fakeTerminal } from './terminal.js';
import { tempDir } from './tmp.js';
import { virtualClock, type VirtualClock } from './virtual-clock.js';

/** What a command run left: its two streams (final newline stripped, as execa does) and its exit code. */
interface CommandResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** A command on its way: await it for the result, or send it a stop signal (Ctrl-C) first. */
interface CommandRun extends Promise<CommandResult> {
  kill(signal?: StopSignal): void;
  /** Resolves with the match once stderr so far matches (a moment to act at); rejects if the run ends first. */
  untilStderr(pattern: RegExp): Promise<RegExpExecArray>;
}

interface RunOptions {
  /** Added to the environment (an undefined value removes a variable). */
  readonly env?: Record<string, string | undefined>;
  /** Fed to stdin, which then ends. */
  readonly input?: string;
  /** The working folder while the command runs (relative inputs and outputs). */
  readonly cwd?: string;
  readonly configDir?: string;
  /** 'pipe' (the default) is what a script sees; 'tty' claims a terminal on both streams. */
  readonly face?: 'pipe' | 'tty';
  /** The terminal's width on the tty face (0: a pseudo-terminal without a size). */
  readonly columns?: number;
  /** --open's viewer; without one, a run that would open something fails the test. */
  readonly openViewer?: CommandContext['openViewer'];
}

export interface CommandHarness {
  /** This test's clock: the commands' and the emulators' (fresh for every test). */
  readonly clock: VirtualClock;
  /** An emulator on loopback that lives on this test's clock, closed after the test. */
  emulator(options?: EmulatorOptions): Promise<RunningEmulator>;
  /** Runs `spark-style ...args` in this process, as runCli (cli.ts) runs the built CLI. */
  run(args: readonly string[], options?: RunOptions): CommandRun;
}

/** The process a command sees in a test: it hears the stop signals the test sends and records an exit; it never ends anything. */
export class FakeProcess extends EventEmitter implements ProcessControl {
  exitCode: number | undefined;
  exit(code: number): void {
    this.exitCode ??= code;
    this.emit('exit', code);
  }
}

/**
 * Commands in-process through the CLI's own surface (argv in; stdout, stderr and the exit code
 * out) with an in-memory IO, a virtual clock and emulators on that same clock: an emulator's
 * 30 s task and the command's poll waits pass together, in no wall time. Nothing here installs a
 * signal handler or exits: the command gets a fake process, and `kill()` signals that.
 *
 * Call once per test file (at the top): every test gets a fresh clock.
 */
export function commandHarness(): CommandHarness {
  let clock = freshClock();
  let emulators: RunningEmulator[] = [];
  let cwdOwner: string | null = null;
  let cwdBefore = process.cwd();
  let running = 0;
  function freshClock(): VirtualClock {
    const made = virtualClock();
    made.holdWhile(() => Promise.all(emulators.map((instance) => instance.rendered())));
    made.holdWhile(sharpIdle);
    return made;
  }
  beforeEach(() => {
    emulators = [];
    clock = freshClock();
  });

  const surroundings = (host: ProcessControl, openViewer: RunOptions['openViewer']): Surroundings => ({
    clock,
    process: host,
    openViewer: openViewer ?? (async (path) => Promise.reject(new Error(`the test gave no viewer, and the command opened ${path}`))),
    connect: async (target, options) => {
      const { openConnection } = await import('../../src/cmdutil/connection.js');
      const connection = await openConnection(target, { clock, ...options });
      if (connection.emulator) emulators.push(connection.emulator);
      return connection;
    },
  });

  function run(args: readonly string[], options: RunOptions = {}): CommandRun {
    const env = environment(options);
    const face = options.face ?? 'pipe';
    const stdout = face === 'tty' ? fakeTerminal({ columns: options.columns ?? 100 }) : fakePipe();
    const stderr = face === 'tty' ? fakeTerminal({ columns: options.columns ?? 100 }) : fakePipe();
    // untilStderr checks after every write to stderr (a pipe hands its chunks on as 'data').
    const afterWrites = new Set<() => void>();
    const checkAll = () => {
      for (const check of afterWrites) check();
    };
    const write = stderr.stream.write.bind(stderr.stream) as (...args: unknown[]) => boolean;
    stderr.stream.write = ((...args: unknown[]) => {
      const flushed = write(...args);
      checkAll();
      return flushed;
    }) as typeof stderr.stream.write;
    stderr.stream.on('data', checkAll);
    const stdin = new PassThrough();
    if (options.input !== undefined) stdin.end(options.input);
    else stdin.end();
    const io = createIO({
      stdout: stdout.stream,
      stderr: stderr.stream,
      stdin,
      stdoutIsTTY: face === 'tty',
      stderrIsTTY: face === 'tty',
      stdinIsTTY: false,
      stdoutIsPipe: face === 'pipe',
      env,
    });
    const host = new FakeProcess();
    const restoreCwd = enter(options.cwd);
    const exited = new Promise<number>((resolve) => host.once('exit', resolve));
    const finished = Promise.race([main([process.execPath, CLI, ...args], io, surroundings(host, options.openViewer)), exited]).finally(restoreCwd);
    let settled = false;
    void finished.finally(() => (settled = true)).catch(() => undefined);
    // A test that failed half way leaves no run behind for the next test in this worker: stopped as
    // a person would stop it (a second signal leaves at once), and awaited.
    afterThisTest(async () => {
      if (settled) return;
      host.emit('SIGTERM');
      host.emit('SIGTERM');
      await finished.catch(() => undefined);
    });
    const result = finished.then((exitCode) => ({ stdout: stripFinalNewline(stdout.text()), stderr: stripFinalNewline(stderr.text()), exitCode }));
    const untilStderr = (pattern: RegExp) =>
      new Promise<RegExpExecArray>((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stderr.text());
          if (match) afterWrites.delete(check), resolve(match);
        };
        afterWrites.add(check);
        check();
        void finished.then(() => reject(new Error(`the run ended before stderr matched ${pattern}:\n${stderr.text()}`)));
      });
    return Object.assign(result, { kill: (signal: StopSignal = 'SIGTERM') => void host.emit(signal), untilStderr });
  }

  /** process.chdir for the run; overlapping runs must agree on the folder. */
  function enter(cwd: string | undefined): () => void {
    const wanted = cwd ?? process.cwd();
    if (running > 0 && cwdOwner !== wanted) throw new Error(`two overlapping runs want different working folders: ${cwdOwner} and ${wanted}`);
    if (running === 0) {
      cwdBefore = process.cwd();
      process.chdir(wanted);
    }
    cwdOwner = wanted;
    running++;
    return () => {
      running--;
      if (running > 0) return;
      process.chdir(cwdBefore);
      cwdOwner = null;
    };
  }

  return {
    get clock() {
      return clock;
    },
    emulator: async (options = {}) => {
      const instance = await emulator({ now: clock.now, ...options });
      emulators.push(instance);
      return instance;
    },
    run,
  };
}

/** As runCli: a config folder of its own and a base URL on loopback where nothing listens, unless the test says otherwise. */
function environment(options: RunOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: tempDir('spark-style-home-'),
    NO_COLOR: '1',
    SPARK_STYLE_CONFIG_DIR: options.configDir ?? tempDir('spark-style-config-'),
    SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9',
    ...options.env,
  };
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  return env;
}

function stripFinalNewline(text: string): string {
  return text.endsWith('\n') ? text.slice(0, -1) : text;
}
