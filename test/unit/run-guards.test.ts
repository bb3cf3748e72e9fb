import Database from 'libsql';
import { existsSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import type { Clock } from '../../src/core/clock.js';
import { InterruptedError } from '../../src/core/errors.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { runItems } from '../../src/runner/batch.js';
import { parseUsd, SpendBudget } from '../../src/runner/budget.js';
import type { RunnerEvent } from '../../src/runner/events.js';
import { planItems } from '../../src/runner/plan.js';
import { AdaptiveRateGate } from '../../src/runner/rate-gate.js';
import { TaskQuota } from '../../src/runner/task-quota.js';
import { summarize } from '../../src/engine/summary.js';
import { describeSummary } from '../../src/terminal/summary.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { inProcessRun, runnerContext } from '../helpers/runner.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/** A port on loopback where nothing listens (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Ctrl-C while a create waits to retry', () => {
  it('a create waiting out a 429 is not sent, is recorded never-sent, and goes normally next run', async () => {
    const { server, items, ledger, context } = await inProcessRun(1, { faults: { rateLimit: { after: 0, count: 1, retryAfterSeconds: 5 } } });
    const controller = new AbortController();
    const results = await runItems(
      items,
      context({
        interrupt: controller.signal,
        // Ctrl-C as the 429's retry starts its wait.
        emit: (event) => {
          if (event.type === 'retrying') controller.abort();
        },
      }),
      { limit: pLimit(1), failFast: false },
    );
    expect(results[0]).toMatchObject({
      status: 'cancelled',
      task_id: null,
      created: false,
      error: { code: 'interrupted', message: 'not started: interrupted' },
    });
    expect(server.stats().creates_received).toBe(1);
    expect(server.stats().tasks_created).toBe(0);
    // Not "outcome unknown": nothing was created, so the next run sends it without --resend-unknown.
    expect(await ledger.counts()).toEqual({ open: 0, unknown: 0 });
    const again = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(again[0]).toMatchObject({ status: 'saved', created: true });
    expect(server.stats().tasks_created).toBe(1);
  });

  it('a create waiting out the batch-wide 429 pause is not sent', async () => {
    const { server, items, ledger, context, clock } = await inProcessRun(1);
    const controller = new AbortController();
    // The gate's pause waits on a clock that only an abort ends, and Ctrl-C comes as it starts.
    const pauseClock: Clock = {
      now: clock.now,
      sleep: (_ms, signal) =>
        new Promise<void>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new InterruptedError()), { once: true });
          controller.abort();
        }),
    };
    const gate = new AdaptiveRateGate({ concurrency: 1 }, pauseClock, { maxConcurrency: 1 });
    gate.rateLimited(30_000);
    const client = new SparkClient({ baseUrl: server.url, apiKey: 'k', clock, gate });
    const results = await runItems(items, context({ client, interrupt: controller.signal }), { limit: pLimit(1), failFast: false });
    expect(results[0]).toMatchObject({ status: 'cancelled', created: false, error: { code: 'interrupted' } });
    expect(server.stats().creates_received).toBe(0);
    expect(await ledger.counts()).toEqual({ open: 0, unknown: 0 });
  });
});

describe('--max-tasks at create time', () => {
  it('never creates more than n tasks, whatever the plan said; the rest are cancelled (max-tasks)', async () => {
    const { server, items, context } = await inProcessRun(4);
    const results = await runItems(items, context({ taskQuota: new TaskQuota(2) }), { limit: pLimit(2), failFast: false });
    expect(server.stats().tasks_created).toBe(2);
    expect(results.filter((result) => result.status === 'saved')).toHaveLength(2);
    const refused = results.filter((result) => result.status === 'cancelled');
    expect(refused).toHaveLength(2);
    for (const result of refused) expect(result.error).toEqual({ code: 'max-tasks', message: 'not started: the run already created --max-tasks 2 tasks' });
  });

  it('a create proven never sent gives its place back', async () => {
    const { server, items, context } = await inProcessRun(2, { faults: { createError: { status: 503, after: 0, count: 5 } } });
    const results = await runItems(items, context({ taskQuota: new TaskQuota(1) }), { limit: pLimit(1), failFast: false });
    // The first item's 5 attempts all got 503 (nothing created); the second gets its place.
    expect(results.map((result) => result.status)).toEqual(['failed', 'saved']);
    expect(server.stats().tasks_created).toBe(1);
  });
});

describe('a ledger that cannot record the answer', () => {
  it('keeps the task id in memory: waits, saves the result with a warning naming the id; the next run skips', async () => {
    const { server, items, ledger, context, events } = await inProcessRun(3);
    const broken = Object.create(ledger) as Ledger;
    broken.recordAnswer = () => {
      throw new Error('database or disk is full');
    };
    broken.release = () => {
      throw new Error('database or disk is full');
    };
    const results = await runItems(items, context({ ledger: broken }), { limit: pLimit(2), failFast: false });
    expect(server.stats().tasks_created).toBe(3);
    for (const result of results) {
      expect(result).toMatchObject({ status: 'saved', created: true });
      expect(existsSync(result.output!)).toBe(true);
      expect(result.task_id).toMatch(/\S/);
    }
    expect(new Set(results.map((result) => result.task_id)).size).toBe(3);
    const warnings = events.flatMap((event) => (event.type === 'warning' ? [event.message] : []));
    for (const result of results) {
      expect(warnings).toContain(`the ledger could not record task ${result.task_id} (database or disk is full); waiting for it and saving it anyway`);
    }
    // The failing release: one message, however many items.
    expect(new Set(warnings.filter((message) => message.includes('claim'))).size).toBe(1);
    // The ledger could not record them, but the files are there: nothing is paid again.
    const again = await runItems(items, context(), { limit: pLimit(2), failFast: false });
    expect(again.map((result) => result.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(server.stats().tasks_created).toBe(3);
  });

  it('writes the task id again before recording the outcome: a ledger that recovers ends up knowing the task', async () => {
    const { server, items, ledger, context } = await inProcessRun(1);
    const flaky = Object.create(ledger) as Ledger;
    let failures = 1;
    flaky.recordAnswer = async (attempt, taskId) => {
      if (failures-- > 0) throw new Error('database is locked');
      await ledger.recordAnswer(attempt, taskId);
    };
    const [result] = await runItems(items, context({ ledger: flaky }), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'saved', created: true });
    expect(await ledger.findTask(result!.task_id!)).toMatchObject({ status: 'saved', output: result!.output });
    expect(server.stats().tasks_created).toBe(1);
  });

  it('a run that ends before the result is saved fails the item with the task id and the command that collects it', async () => {
    const { server, items, ledger, context, out } = await inProcessRun(1);
    const broken = Object.create(ledger) as Ledger;
    broken.recordAnswer = () => {
      throw new Error('database or disk is full');
    };
    const controller = new AbortController();
    const flags = ['--base-url', server.url];
    // Ctrl-C as soon as the task exists.
    const results = await runItems(
      items,
      context({ ledger: broken, statusFlags: flags, interrupt: controller.signal, emit: (event) => event.type === 'task-created' && controller.abort() }),
      { limit: pLimit(1), failFast: false },
    );
    expect(server.stats().tasks_created).toBe(1);
    for (const result of results) {
      expect(result).toMatchObject({ status: 'failed', created: true, error: { code: 'not-recorded' } });
      expect(result.error!.message).toBe(
        `task ${result.task_id} was created but could not be recorded in the ledger (database or disk is full); ` +
          `collect it with: spark-style status ${result.task_id} --wait --save ${out} --base-url ${server.url}`,
      );
    }
    expect(summarize(results, 1)).toMatchObject({ tasks_created: 1, failed: 1, cost_unknown: 1 });
  });
});

describe('a ledger that cannot record a saved result', () => {
  it('keeps the item saved (the file is what the next run looks at) with a warning note', async () => {
    const { server, items, ledger, context } = await inProcessRun(1);
    const broken = Object.create(ledger) as Ledger;
    broken.recordSaved = () => {
      throw new Error('database or disk is full');
    };
    const [result] = await runItems(items, context({ ledger: broken }), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'saved', created: true });
    expect(existsSync(result!.output!)).toBe(true);
    expect(result!.notes).toContain(
      `warning: saved, but the ledger could not record task ${result!.task_id} (database or disk is full): it still says "open" for the task; nothing is paid again, as the next run finds ${result!.output} by name`,
    );
    const again = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(again[0]!.status).toBe('skipped');
    expect(server.stats().tasks_created).toBe(1);
  });
});

describe('a service nobody can reach', () => {
  it('stops the batch after the first create that could not connect: the rest are cancelled', async () => {
    const { items, context, clock } = await inProcessRun(5);
    const port = await closedPort();
    const client = new SparkClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', clock });
    const results = await runItems(items, context({ client }), { limit: pLimit(1), failFast: false });
    expect(results[0]).toMatchObject({ status: 'failed', error: { code: 'ECONNREFUSED' } });
    expect(results.slice(1).map((result) => [result.status, result.error?.message])).toEqual(
      Array.from({ length: 4 }, () => ['cancelled', 'not started: the service could not be reached (see the first error)']),
    );
  });
});

describe('a service nobody can reach, under --budget', () => {
  it('items waiting in the budget gate are not started either once the first create gave up', async () => {
    const { items, context, clock } = await inProcessRun(10);
    const port = await closedPort();
    const client = new SparkClient({ baseUrl: `http://127.0.0.1:${port}`, apiKey: 'k', clock });
    // $0.03 a task, $0.20: six fit at once, the other two of the eight in flight wait in the gate.
    const budget = new SpendBudget(parseUsd('0.20')!, () => parseUsd('0.03'));
    const results = await runItems(items, context({ client, budget }), { limit: pLimit(8), failFast: false });
    // Only creates already on their way when the first gave up may fail (at most the six that
    // fit); none starts after it, from the gate or from the queue.
    const failed = results.filter((result) => result.status === 'failed');
    expect(failed.length).toBeGreaterThanOrEqual(1);
    expect(failed.length).toBeLessThanOrEqual(6);
    for (const result of failed) expect(result.error?.code).toBe('ECONNREFUSED');
    const rest = results.filter((result) => result.status !== 'failed');
    for (const result of rest)
      expect([result.status, result.error?.message]).toEqual(['cancelled', 'not started: the service could not be reached (see the first error)']);
    expect(budget.spent).toBe(0);
  });
});

describe('the summary line', () => {
  it('shows the cost of paid tasks that were not saved as unknown, not as $0', async () => {
    const { server, items, context } = await inProcessRun(2);
    const controller = new AbortController();
    const results = await runItems(
      items,
      context({
        interrupt: controller.signal,
        emit: (event) => {
          if (event.type === 'task-created') controller.abort();
        },
      }),
      { limit: pLimit(2), failFast: false },
    );
    const summary = summarize(results, 1000);
    expect(server.stats().tasks_created).toBe(summary.tasks_created);
    expect(summary.tasks_created).toBeGreaterThan(0);
    expect(summary).toMatchObject({ cost_usd: '0.0000', cost_unknown: summary.tasks_created, still_running: summary.tasks_created });
    expect(describeSummary(summary)).toContain(`· $0.0000 (+ ${summary.tasks_created} of unknown cost) ·`);
    // Offline, the same interrupted run was free: no dollar amount, no "unknown cost".
    const offline = describeSummary(summary, { offline: true });
    expect(offline).toContain(`· ${summary.tasks_created} task${summary.tasks_created === 1 ? '' : 's'} created · free (offline) ·`);
    expect(offline).not.toContain('$');
  });
});

describe('a ledger locked by another process when the answer comes', () => {
  it('still saves the result, with a warning naming the task id (a real SQLITE_BUSY from a second connection)', async () => {
    const clock = fakeClock(Date.UTC(2030, 5, 1));
    const dir = tempDir();
    const path = join(dir, 'ledger.db');
    const ledger = SqliteLedger.open(path, clock);
    // The ledger waits 30 s for a lock; the test gives up after 20 ms (the same error, sooner).
    (ledger as unknown as { db: Database.Database }).db.pragma('busy_timeout = 20');
    const other = new Database(path);
    other.pragma('busy_timeout = 20');
    // Another process (a sqlite3 shell, a backup tool) takes the write lock once the task exists.
    const server = await emulator({ latencyMs: 10_000, now: clock.now, plain: true, beforeCreateAnswer: () => void other.exec('BEGIN IMMEDIATE') });
    const photo = join(dir, 'p1.jpg');
    writeFileSync(photo, await makeImage(800, 600));
    const items = planItems([{ kind: 'file' as const, path: photo, relativeDir: '' }], [resolveStyle('ink-wash')], dir);
    const events: RunnerEvent[] = [];
    const context = runnerContext({ baseUrl: server.url, clock, ledger, items, emit: (event) => events.push(event) });
    const [result] = await runItems(items, context, { limit: pLimit(1), failFast: false });
    other.exec('ROLLBACK');
    other.close();
    expect(server.stats().tasks_created).toBe(1);
    expect(result).toMatchObject({ status: 'saved', created: true });
    expect(existsSync(result!.output!)).toBe(true);
    expect(result!.notes.join('\n')).toMatch(
      /warning: saved, but the ledger could not record task \S+ \(.*locked.*\): it still says "outcome unknown" for this item, without the task id/,
    );
    const warning = events.find((event) => event.type === 'warning' && event.message.includes(result!.task_id!));
    expect(warning).toMatchObject({
      message: expect.stringMatching(new RegExp(`^the ledger could not record task ${result!.task_id} \\(.*locked.*\\); waiting for it and saving it anyway$`)),
    });
    // The lock is gone: the next run sees the file and pays nothing.
    const [again] = await runItems(items, context, { limit: pLimit(1), failFast: false });
    expect(again!.status).toBe('skipped');
    expect(server.stats().tasks_created).toBe(1);
    await ledger.close();
  });
});

describe('a 404 on a task read (a gateway blip, a replica that has not seen the task yet)', () => {
  it('one 404 while waiting is asked again: the paid task is saved, not recorded expired', async () => {
    const { server, items, ledger, context } = await inProcessRun(1, { faults: { readError: { status: 404, count: 1 } } });
    const [result] = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'saved', created: true });
    expect(server.stats().injected_errors).toBe(1);
    expect(await ledger.counts()).toEqual({ open: 0, unknown: 0 });
    const again = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(again[0]!.status).toBe('skipped');
    expect(server.stats().tasks_created).toBe(1);
  });

  it('404s for a task younger than 24 hours fail the item as transient; the task stays open and the next run collects it', async () => {
    const { server, items, ledger, context } = await inProcessRun(1, { faults: { readError: { status: 404, count: 1000 } } });
    const [result] = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'failed', created: true, errorKind: 'network', error: { code: 'not-found-unconfirmed' } });
    expect(result!.hint).toBe('run the same command again later to collect it (collecting an existing task is free)');
    expect(await ledger.counts()).toEqual({ open: 1, unknown: 0 });
    server.setFaults({});
    const again = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(again[0]).toMatchObject({ status: 'saved', created: false, task_id: result!.task_id });
    expect(server.stats().tasks_created).toBe(1);
  });

  it('a task past 24 hours by the ledger answered 404 twice is collected, not created again', async () => {
    const { server, items, context, clock } = await inProcessRun(1);
    // The task was recorded 25 hours ago by the ledger's clock (the server still has it).
    const ledger = SqliteLedger.inMemory(fakeClock(clock.now() - 25 * 3_600_000));
    const controller = new AbortController();
    await runItems(items, context({ ledger, interrupt: controller.signal, emit: (event) => event.type === 'task-created' && controller.abort() }), {
      limit: pLimit(1),
      failFast: false,
    });
    expect(await ledger.counts()).toEqual({ open: 1, unknown: 0 });
    server.setFaults({ readError: { status: 404, count: 2 } });
    const [result] = await runItems(items, context({ ledger }), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'saved', created: false });
    expect(server.stats().tasks_created).toBe(1);
  });

  it('a task past 24 hours that the server keeps answering 404 for is expired, and the same run creates it again', async () => {
    const { server, items, context, clock } = await inProcessRun(1);
    const ledger = SqliteLedger.inMemory(fakeClock(clock.now() - 25 * 3_600_000));
    const controller = new AbortController();
    await runItems(items, context({ ledger, interrupt: controller.signal, emit: (event) => event.type === 'task-created' && controller.abort() }), {
      limit: pLimit(1),
      failFast: false,
    });
    server.setFaults({ readError: { status: 404, count: 3 } });
    const [result] = await runItems(items, context({ ledger }), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'saved', created: true });
    expect(server.stats().tasks_created).toBe(2);
  });
});
