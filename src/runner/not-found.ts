import type { TaskNotFoundError } from '../api/errors.js';
import { SparkError } from '../core/errors.js';
import { COLLECTABLE_FOR_MS } from '../ledger/item-key.js';
import type { Ledger } from '../ledger/ledger.js';

/**
 * The server answered 404 for a task this client created, but that is not proof it is gone:
 * the 404 was not confirmed, or the task is younger than the 24 hours the server keeps it.
 * The task stays open and the next run asks again (free); nothing new is paid for.
 */
class TaskNotFoundYetError extends SparkError {
  override name = 'TaskNotFoundYetError';
  constructor(
    readonly taskId: string,
    reason: string,
  ) {
    super('network', `task ${taskId}: the server answered "not found" (${reason}); it is kept open, not counted as expired`, {
      code: 'not-found-unconfirmed',
      hint: 'run the same command again later to collect it (collecting an existing task is free)',
    });
  }
}

/**
 * What a 404 on a known task means for the ledger. It is recorded expired only when the 404 was
 * confirmed by repeated reads AND the task is past its 24 hours by the ledger's intent time (or,
 * for a task the ledger could not record, by `createdAt`). Returns the error to report.
 */
export async function recordNotFound(error: TaskNotFoundError, taskId: string, ledger: Ledger, now: number, createdAt?: number): Promise<SparkError> {
  let startedAt: number | undefined = createdAt;
  try {
    startedAt = (await ledger.findTask(taskId))?.intentAt ?? createdAt;
  } catch {
    // A ledger that cannot be read: judge by what this run knows.
  }
  const young = startedAt !== undefined && now - startedAt < COLLECTABLE_FOR_MS;
  if (!error.confirmed) return new TaskNotFoundYetError(taskId, 'once; not asked again before the time ran out');
  if (young) return new TaskNotFoundYetError(taskId, 'repeatedly, yet it was created less than 24 hours ago');
  try {
    await ledger.recordExpired(taskId);
  } catch {
    // The 404 is the error to report; a ledger that cannot take it changes nothing the user can do.
  }
  return error;
}
