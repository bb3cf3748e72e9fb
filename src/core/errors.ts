import { exitCodeForKind } from './exit-codes.js';

/**
 * The error vocabulary shared by every layer. Each error names its `kind`; kinds map to exit
 * codes in one table (core/exit-codes.ts), which `exitCode` reads: a program sees the code the
 * CLI would exit with, and no layer decides an exit code of its own.
 */
export type ErrorKind =
  | 'usage' // the command line itself is wrong
  | 'input' // a local file breaks a rule, or cannot be read
  | 'auth' // no key, 401 or 403
  | 'network' // the request never got a usable answer
  | 'outcome-unknown' // a paid request may or may not have created a task
  | 'timeout' // we stopped waiting for a task
  | 'interrupted' // Ctrl-C / SIGTERM
  | 'task-failed' // the server ran the task and it failed
  | 'api' // any other answer from the API that means "no"
  | 'protocol'; // an answer we cannot understand

export class SparkError extends Error {
  override name = 'SparkError';
  readonly kind: ErrorKind;
  /** What the user can do next; shown on its own line under the message. */
  readonly hint?: string;
  /** A short machine-readable code for --json output (a seed code, an HTTP status, a rule name). */
  readonly code: string;

  constructor(kind: ErrorKind, message: string, options: { hint?: string; code?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.kind = kind;
    this.hint = options.hint;
    this.code = options.code ?? kind;
  }

  /** The exit code the CLI gives this error (core/exit-codes.ts). */
  get exitCode(): number {
    return exitCodeForKind(this.kind);
  }
}

export class UsageError extends SparkError {
  override name = 'UsageError';
  constructor(message: string, options: { hint?: string; code?: string } = {}) {
    super('usage', message, options);
  }
}

export class InputError extends SparkError {
  override name = 'InputError';
  constructor(message: string, options: { hint?: string; code?: string; cause?: unknown } = {}) {
    super('input', message, options);
  }
}

export class MissingKeyError extends SparkError {
  override name = 'MissingKeyError';
  constructor() {
    super('auth', 'no API key: pass --api-key, set SPARK_STYLE_API_KEY, or run `spark-style config set api-key -`', {
      code: 'no-api-key',
      hint: 'Try it without a key first: spark-style stylize <photo> --style ghibli --offline (offline tasks end with that run: status and history never see them)',
    });
  }
}

export class InterruptedError extends SparkError {
  override name = 'InterruptedError';
  constructor(message = 'interrupted') {
    super('interrupted', message, { code: 'interrupted' });
  }
}

/**
 * One class, one copy: build.mjs fails when this module lands in both the startup bundle and
 * the lazy build, so `instanceof` holds for every error a command throws.
 */
export function isSparkError(error: unknown): error is SparkError {
  return error instanceof SparkError;
}
