import { SparkError, type ErrorKind } from '../core/errors.js';
import { findSeedCode } from '../catalog/error-codes.js';

/**
 * Everything the API layer throws. Each class says what happened on the wire; whether it is
 * retried lives in retry.ts, what exit code it gives lives in cli/exit-codes.ts.
 */

/** The server answered with an HTTP error status before any task existed. */
export class ApiError extends SparkError {
  readonly status: number;
  /** The seed code in the answer's body, when there was one. */
  readonly seedCode: string | null;
  readonly requestId: string | null;

  constructor(kind: ErrorKind, status: number, message: string, details: { seedCode?: string | null; requestId?: string | null; hint?: string } = {}) {
    const seed = findSeedCode(details.seedCode);
    super(kind, message, { code: details.seedCode ?? `http-${status}`, hint: details.hint ?? seed?.hint });
    this.status = status;
    this.seedCode = details.seedCode ?? null;
    this.requestId = details.requestId ?? null;
  }
}

export class BadRequestError extends ApiError {}
export class AuthenticationError extends ApiError {}
export class PermissionError extends ApiError {}
export class TaskNotFoundError extends ApiError {}
export class RateLimitError extends ApiError {
  /** From Retry-After, when the server sent one. */
  retryAfterMs: number | null = null;
}
export class ServerError extends ApiError {}

/** No usable answer: refused, reset, DNS failure. `sent` says whether the request may have reached the server. */
export class NetworkError extends SparkError {
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
export class RequestTimeoutError extends NetworkError {}

/**
 * A create request was sent and no answer says whether a task exists. It may have been
 * created and charged; we refuse to send it again blindly.
 */
export class OutcomeUnknownError extends SparkError {
  constructor(reason: string, cause?: unknown) {
    super('outcome-unknown', `the create request was sent but its outcome is unknown (${reason}); a task may have been created and charged`, {
      code: 'outcome-unknown',
      cause,
      hint: 'check your tasks in the Vtrix console before running again: running again creates (and pays for) a new task',
    });
  }
}

/** The task ran and failed on the server. */
export class TaskFailedError extends SparkError {
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
  constructor(message: string, cause?: unknown) {
    super('protocol', message, { code: 'protocol', cause });
  }
}

/** We stopped waiting for a task; it may still finish, and `status --wait` can collect it. */
export class WaitTimeoutError extends SparkError {
  readonly taskId: string;
  constructor(taskId: string, waitedMs: number, recoveryCommand: string) {
    super('timeout', `gave up waiting for task ${taskId} after ${Math.round(waitedMs / 1000)} s; it may still finish`, {
      code: 'timeout',
      hint: `collect it later with: ${recoveryCommand}`,
    });
    this.taskId = taskId;
  }
}
