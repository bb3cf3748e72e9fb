import { SparkError, type ErrorKind } from '../core/errors.js';
import { findSeedCode } from '../catalog/error-codes.js';

/**
 * Everything the API layer throws. Each class says what happened on the wire; whether it is
 * retried lives in retry.ts, what exit code it gives lives in cmdutil/exit-codes.ts.
 */

type ApiErrorDetails = { seedCode?: string | null; requestId?: string | null; hint?: string; keySource?: string };

/**
 * The server answered with an HTTP error status before any task existed. Each subclass owns
 * its kind (and so its exit code) and its usual hint; `apiErrorFor` picks the class from the status.
 */
export class ApiError extends SparkError {
  override name = 'ApiError';
  readonly status: number;
  /** The seed code in the answer's body, when there was one. */
  readonly seedCode: string | null;
  readonly requestId: string | null;

  constructor(status: number, message: string, details: ApiErrorDetails = {}, kind: ErrorKind = 'api') {
    const seed = findSeedCode(details.seedCode);
    super(kind, message, { code: details.seedCode ?? `http-${status}`, hint: details.hint ?? seed?.hint });
    this.status = status;
    this.seedCode = details.seedCode ?? null;
    this.requestId = details.requestId ?? null;
  }
}

export class BadRequestError extends ApiError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends ApiError {
  override name = 'AuthenticationError';
  constructor(status: number, message: string, details: ApiErrorDetails = {}) {
    super(status, message, { hint: authHint(details.keySource), ...details }, 'auth');
  }
}

/** Where to look when the key is refused: the place it came from, which may not be the config. */
function authHint(keySource: string | undefined): string {
  const newKey = 'make a new key in the Vtrix console if it was revoked';
  switch (keySource) {
    case '--api-key':
      return `the key given with --api-key was refused: check it, or ${newKey}`;
    case 'SPARK_STYLE_API_KEY':
    case 'VTRIX_API_KEY':
      return `the key in $${keySource} was refused (it takes precedence over the saved one): check it, or unset it to use the saved key`;
    case 'config':
      return `the saved key was refused: see it with spark-style config list; set a new one with spark-style config set api-key -`;
    default:
      return `check the key (spark-style config list), or ${newKey}`;
  }
}
export class PermissionError extends ApiError {
  override name = 'PermissionError';
  constructor(status: number, message: string, details: ApiErrorDetails = {}) {
    super(status, message, { hint: 'check your balance and permissions in the Vtrix console', ...details }, 'auth');
  }
}
export class TaskNotFoundError extends ApiError {
  override name = 'TaskNotFoundError';
  /** Whether the 404 repeated (NOT_FOUND_POLICY), not a single answer that may have been a blip. */
  confirmed = false;
}
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
  /** From Retry-After, when the server sent one. */
  retryAfterMs: number | null = null;
  constructor(status: number, message: string, details: ApiErrorDetails = {}) {
    super(status, message, { hint: 'lower --concurrency, or wait a minute', ...details }, 'network');
  }
}
export class ServerError extends ApiError {
  override name = 'ServerError';
  constructor(status: number, message: string, details: ApiErrorDetails = {}) {
    super(status, message, details, 'network');
  }
}

/**
 * What each status says, added to the server's own message unless that message already says
 * it ("HTTP 401: Invalid or missing API key" needs no "(the API key is missing or invalid)").
 */
const STATUS_MEANING: Record<number, { meaning: string; alreadySaid: RegExp }> = {
  401: { meaning: 'the API key is missing or invalid', alreadySaid: /\b(api[ _-]?key|key|auth\w*|token|credential\w*|unauthori[sz]ed)\b/i },
  403: { meaning: 'no permission, or the balance is too low', alreadySaid: /\b(permission\w*|forbidden|balance|denied|insufficient)\b/i },
  429: { meaning: 'rate limited', alreadySaid: /\b(rate|too many|throttl\w*)\b/i },
};

/** The typed error for an HTTP error answer (the status-to-class factory, as in openai-node). */
export function apiErrorFor(status: number, message: string, details: ApiErrorDetails & { retryAfterMs?: number | null } = {}): ApiError {
  const known = STATUS_MEANING[status];
  const serverSaid = message.replace(/^HTTP \d+:\s*/, '');
  const text = known && !known.alreadySaid.test(serverSaid) ? `${message} (${known.meaning})` : message;
  const { retryAfterMs, ...rest } = details;
  if (status === 400) return new BadRequestError(status, text, rest);
  if (status === 401) return new AuthenticationError(status, text, rest);
  if (status === 403) return new PermissionError(status, text, rest);
  if (status === 404) return new TaskNotFoundError(status, text, rest);
  if (status === 429) {
    const error = new RateLimitError(status, text, rest);
    error.retryAfterMs = retryAfterMs ?? null;
    return error;
  }
  if (status >= 500) return new ServerError(status, text, rest);
  return new ApiError(status, text, rest);
}

/** No usable answer: refused, reset, DNS failure. `sent` says whether the request may have reached the server. */
export class NetworkError extends SparkError {
  override name = 'NetworkError';
  readonly sent: boolean;
  /** False for failures that a retry cannot mend, such as a certificate that does not verify. */
  readonly transient: boolean;
  constructor(message: string, options: { sent: boolean; transient?: boolean; code?: string; cause?: unknown; hint?: string }) {
    super('network', message, { code: options.code ?? 'network', cause: options.cause, hint: options.hint });
    this.sent = options.sent;
    this.transient = options.transient ?? true;
  }
}

/** A request took longer than its own time limit. */
export class RequestTimeoutError extends NetworkError {
  override name = 'RequestTimeoutError';
}

/**
 * A create request was sent and no answer says whether a task exists. It may have been
 * created and charged; we refuse to send it again blindly.
 */
/** What to do about an unknown outcome: true of every run, since the ledger holds the intent. */
export const OUTCOME_UNKNOWN_HINT =
  'check your tasks in the Vtrix console: running the same command again does not send this create again (it reports it as outcome unknown); add --resend-unknown to send it again';

export class OutcomeUnknownError extends SparkError {
  override name = 'OutcomeUnknownError';
  constructor(reason: string, cause?: unknown) {
    super('outcome-unknown', `the create request was sent but its outcome is unknown (${reason}); a task may have been created and charged`, {
      code: 'outcome-unknown',
      cause,
      hint: OUTCOME_UNKNOWN_HINT,
    });
  }
}

/** The task ran and failed on the server. */
export class TaskFailedError extends SparkError {
  override name = 'TaskFailedError';
  readonly taskId: string;
  readonly seedCode: string | null;
  constructor(taskId: string, seedCode: string | null, message: string) {
    const seed = findSeedCode(seedCode);
    super('task-failed', `task ${taskId} failed${seedCode ? ` with ${seedCode}` : ''}: ${message}`, {
      code: seedCode ?? 'task-failed',
      hint: seed?.hint,
    });
    this.taskId = taskId;
    this.seedCode = seedCode;
  }
}

/** An answer we cannot understand: not JSON, or JSON of an unknown shape. */
export class ProtocolError extends SparkError {
  override name = 'ProtocolError';
  constructor(message: string, cause?: unknown) {
    super('protocol', message, { code: 'protocol', cause });
  }
}

/**
 * An answer over the size limit (a decompression bomb, a body that never ends): the same
 * request would only be answered the same way, so it is never retried.
 */
export class AnswerTooLargeError extends ProtocolError {
  override name = 'AnswerTooLargeError';
}

/** We stopped waiting for a task; it may still finish, and `status --wait` can collect it. */
export class WaitTimeoutError extends SparkError {
  override name = 'WaitTimeoutError';
  readonly taskId: string;
  constructor(taskId: string, waitedMs: number, recoveryCommand: string) {
    super('timeout', `gave up waiting for task ${taskId} after ${Math.round(waitedMs / 1000)} s; it may still finish`, {
      code: 'timeout',
      hint: `collect it later with: ${recoveryCommand}`,
    });
    this.taskId = taskId;
  }
}
