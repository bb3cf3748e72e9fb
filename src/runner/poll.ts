import type { SparkClient } from '../api/client.js';
import { TaskFailedError, WaitTimeoutError } from '../api/errors.js';
import type { Task } from '../api/wire.js';
import { findSeedCode } from '../catalog/error-codes.js';
import type { Clock } from '../core/clock.js';
import { PollSchedule, type PollScheduleOptions } from './poll-schedule.js';

export interface PollOptions {
  readonly clock: Clock;
  /** Epoch ms: give up waiting then (the task keeps running on the server). */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  /** When the task was created, if this run created it: sharpens the finish prediction. Without it, the first read is at once. */
  readonly createdAt?: number;
  readonly schedule?: PollScheduleOptions;
  /** The command that collects this task later, quoted in the timeout message. */
  readonly recoveryCommand: string;
  onUpdate?(task: Task): void;
}

/**
 * Reads a task until it completes (resolves) or fails (TaskFailedError), or until the deadline
 * (WaitTimeoutError) or an interrupt (InterruptedError). A "status check error" (003008098)
 * means the task may still be running, so it is read again.
 */
export async function pollTask(client: Pick<SparkClient, 'getTask'>, taskId: string, options: PollOptions): Promise<Task> {
  const { clock, deadline, signal } = options;
  const started = clock.now();
  const schedule = new PollSchedule(options.schedule, options.createdAt ?? null);
  for (;;) {
    const now = clock.now();
    const delay = schedule.nextDelay(now);
    if (now + delay > deadline) {
      // One last look at the deadline itself: the task may have just finished.
      if (now < deadline) await clock.sleep(deadline - now, signal);
      const last = await client.getTask(taskId, { signal, deadline });
      if (last.state === 'completed' || (last.state === 'failed' && !stillRunning(last))) return finalTask(last);
      throw new WaitTimeoutError(taskId, clock.now() - started, options.recoveryCommand);
    }
    await clock.sleep(delay, signal);
    const task = await client.getTask(taskId, { signal, deadline });
    schedule.observe(clock.now(), task.progress);
    options.onUpdate?.(task);
    if (task.state === 'completed') return task;
    if (task.state === 'failed' && !stillRunning(task)) return finalTask(task);
  }
}

function stillRunning(task: Task): boolean {
  return findSeedCode(task.error?.code)?.handling === 'keep-polling';
}

function finalTask(task: Task): Task {
  if (task.state === 'failed') throw new TaskFailedError(task.id, task.error?.code ?? null, task.error?.message ?? 'no reason given');
  return task;
}
