import { fstatSync } from 'node:fs';
import { redactAll } from '../core/secrets.js';
import { escapeJsonLine, looksLikeJson, sanitizeLine } from './sanitize.js';

/**
 * IO owns the process streams and what we know about them (TTY or pipe, colour allowed).
 * Commands print through it and never touch process.stdout directly, so tests can hand
 * them in-memory streams and flip the TTY flags to see both faces of a command.
 */
export interface IO {
  readonly stdout: NodeJS.WritableStream;
  readonly stderr: NodeJS.WritableStream;
  readonly stdin: NodeJS.ReadableStream;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  readonly stdinIsTTY: boolean;
  /**
   * stdout feeds another program (`| tee`, `| cat`) that may print to the same terminal as our
   * stderr: a spinner there would be torn by lines it cannot clear. A redirect to a file is fine.
   */
  readonly stdoutIsPipe: boolean;
  /** Colour and spinners on stderr: only on a terminal, and never when NO_COLOR is set. */
  readonly colorEnabled: boolean;
  /** The width of the terminal on stderr; 80 when it reports none (see terminalColumns). */
  readonly columns: number;
  readonly env: NodeJS.ProcessEnv;
  /** One line of result on stdout. */
  print(line: string): void;
  /** One line of commentary (progress, warnings, errors) on stderr. */
  info(line: string): void;
  /**
   * Never print this (the API key): print() and info() replace it, in every form it can take
   * (quoted for a shell, escaped in JSON, URL-encoded), with [redacted]. A second line of
   * defence; nothing should try to print the key in the first place.
   */
  addSecret(secret: string): void;
}

function colorAllowed(env: NodeJS.ProcessEnv, isTTY: boolean): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined) return env.FORCE_COLOR !== '0';
  if (env.TERM === 'dumb') return false;
  return isTTY;
}

export function createIO(options: {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  stdin: NodeJS.ReadableStream;
  stdoutIsTTY: boolean;
  stderrIsTTY: boolean;
  stdinIsTTY: boolean;
  stdoutIsPipe?: boolean;
  env: NodeJS.ProcessEnv;
}): IO {
  const secrets = new Set<string>();
  const colorEnabled = colorAllowed(options.env, options.stderrIsTTY);
  // Every line leaves through here: secrets redacted, and nothing a terminal would act on
  // (escape sequences, control and bidi characters) except our own colour. A --json line
  // stays the exact value, with such characters escaped instead of dropped.
  const clean = (line: string) => {
    const text = redactAll(line, secrets);
    return looksLikeJson(text) ? escapeJsonLine(text) : sanitizeLine(text, colorEnabled);
  };
  return {
    stdoutIsPipe: false,
    ...options,
    colorEnabled,
    get columns() {
      return terminalColumns((options.stderr as { columns?: unknown }).columns);
    },
    print: (line) => void options.stdout.write(`${clean(line)}\n`),
    info: (line) => void options.stderr.write(`${clean(line)}\n`),
    addSecret: (secret) => {
      if (secret) secrets.add(secret);
    },
  };
}

/**
 * A pseudo-terminal without a size (`script`, some `docker exec -t`) reports 0 columns; a
 * stream that is no terminal reports none. Either is taken as 80, the classic width.
 */
export function terminalColumns(columns: unknown): number {
  return typeof columns === 'number' && Number.isFinite(columns) && columns >= 1 ? Math.floor(columns) : 80;
}

function isPipe(fd: number): boolean {
  try {
    return fstatSync(fd).isFIFO();
  } catch {
    return false;
  }
}

export function processIO(): IO {
  const io = createIO({
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: undefined as unknown as NodeJS.ReadableStream,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    stdinIsTTY: false,
    env: process.env,
  });
  // process.stdin builds a stream (and loads net or tty) on first touch: only commands that read it pay.
  return Object.defineProperties(io, {
    stdin: { get: () => process.stdin },
    stdinIsTTY: { get: () => process.stdin.isTTY === true },
    stdoutIsPipe: { get: () => isPipe(1) },
  });
}
