import { describe, expect, it } from 'vitest';
import { TaskFailedError, WaitTimeoutError } from '../../src/api/errors.js';
import { parseTask, type Task } from '../../src/api/wire.js';
import { InterruptedError } from '../../src/core/errors.js';
import { pollTask } from '../../src/runner/poll.js';
import { DEFAULT_POLL_SCHEDULE, PollSchedule } from '../../src/runner/poll-schedule.js';
import { fakeClock } from '../helpers/fake-clock.js';

describe('PollSchedule', () => {
  it('waits briefly after a create, then grows from 1 s to 5 s when there is no progress to go by', () => {
    const schedule = new PollSchedule(DEFAULT_POLL_SCHEDULE, 0);
    const delays = [schedule.nextDelay(0)];
    for (let read = 0; read < 7; read++) {
      schedule.observe(read, null);
      delays.push(schedule.nextDelay(read));
    }
    expect(delays).toEqual([700, 1000, 1500, 2250, 3375, 5000, 5000, 5000]);
  });

  it('reads a task made earlier (a resumed run, a task id given to status) at once, then as usual', () => {
    const schedule = new PollSchedule(DEFAULT_POLL_SCHEDULE, null);
    expect(schedule.nextDelay(50_000)).toBe(0);
    schedule.observe(50_000, null);
    expect(schedule.nextDelay(50_000)).toBe(1000);
  });

  it('reads just after the finish that the progress rate predicts', () => {
    // Created at 0; at 4 s the task is 40 % done: at that rate it finishes at 10 s.
    const schedule = new PollSchedule(DEFAULT_POLL_SCHEDULE, 0);
    for (let read = 0; read < 5; read++) schedule.observe(1000, 0.1); // reads that pushed the interval to 5 s
    schedule.observe(4000, 0.4);
    expect(schedule.nextDelay(4000)).toBe(5000); // 10 s + 150 ms margin is further than the 5 s cap
    schedule.observe(8000, 0.8);
    expect(schedule.nextDelay(8000)).toBe(2150);
  });

  it('never polls faster than the minimum', () => {
    const schedule = new PollSchedule(DEFAULT_POLL_SCHEDULE, 0);
    schedule.observe(9990, 0.999);
    expect(schedule.nextDelay(9990)).toBe(250);
  });
});

function scriptedClient(answers: Partial<Task>[]) {
  const reads: number[] = [];
  return {
    reads,
    getTask: async (id: string) => {
      reads.push(reads.length);
      const answer = answers[Math.min(reads.length, answers.length) - 1]!;
      return { ...parseTask({ id, status: 'in_progress' }), ...answer } as Task;
    },
  };
}

describe('pollTask', () => {
  const recoveryCommand = 'spark-style status t1 --wait --save out';

  it('returns the completed task', async () => {
    const clock = fakeClock(0);
    const client = scriptedClient([
      { state: 'waiting', status: 'pending' },
      { state: 'running', progress: 0.5 },
      { state: 'completed', status: 'completed' },
    ]);
    const task = await pollTask(client, 't1', { clock, deadline: 60_000, createdAt: 0, recoveryCommand });
    expect(task.state).toBe('completed');
    expect(client.reads).toHaveLength(3);
    expect(clock.sleeps).toEqual([700, 1000, 1500]);
  });

  it('throws TaskFailedError with the seed code', async () => {
    const clock = fakeClock(0);
    const client = scriptedClient([{ state: 'failed', status: 'failed', error: { code: '003008095', message: 'Internal generation error' } }]);
    const failure = pollTask(client, 't1', { clock, deadline: 60_000, recoveryCommand });
    await expect(failure).rejects.toBeInstanceOf(TaskFailedError);
    await expect(failure).rejects.toMatchObject({ seedCode: '003008095', taskId: 't1' });
  });

  it('keeps polling through a status check error (003008098)', async () => {
    const clock = fakeClock(0);
    const client = scriptedClient([{ state: 'failed', status: 'failed', error: { code: '003008098', message: 'Status check error' } }, { state: 'completed' }]);
    await expect(pollTask(client, 't1', { clock, deadline: 60_000, recoveryCommand })).resolves.toMatchObject({ state: 'completed' });
    expect(client.reads).toHaveLength(2);
  });

  it('gives up at the deadline with the recovery command', async () => {
    const clock = fakeClock(0);
    const client = scriptedClient([{ state: 'running' }]);
    const timeout = pollTask(client, 't1', { clock, deadline: 20_000, recoveryCommand });
    await expect(timeout).rejects.toBeInstanceOf(WaitTimeoutError);
    await expect(timeout).rejects.toMatchObject({ hint: `collect it later with: ${recoveryCommand}` });
    expect(clock.now()).toBe(20_000);
  });

  it('stops at once when interrupted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      pollTask(scriptedClient([{}]), 't1', { clock: fakeClock(0), deadline: 60_000, signal: controller.signal, recoveryCommand }),
    ).rejects.toBeInstanceOf(InterruptedError);
  });
});
