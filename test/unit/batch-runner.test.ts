import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import { runItems } from '../../src/runner/batch.js';
import type { ItemContext } from '../../src/runner/item.js';
import { planItems } from '../../src/runner/plan.js';
import { makeImage } from '../helpers/images.js';
import { inProcessRun, RUN_SETTINGS, runnerContext } from '../helpers/runner.js';
import { tempDir } from '../helpers/tmp.js';

describe('runItems (in-process)', () => {
  it('creates, waits in fake time, saves, and records every step with the injected clock', async () => {
    const { clock, server, items, ledger, events, context, out } = await inProcessRun(3);
    const started = clock.now();
    const results = await runItems(items, context(), { limit: pLimit(2), failFast: false });
    expect(results.map((result) => [result.status, result.created])).toEqual([
      ['saved', true],
      ['saved', true],
      ['saved', true],
    ]);
    expect(results.every((result) => existsSync(result.output!))).toBe(true);
    expect(results[0]!.output).toBe(join(out, 'p1.ink-wash.jpg'));
    expect(server.stats().tasks_created).toBe(3);
    expect(clock.now() - started).toBeGreaterThanOrEqual(10_000);
    // Intents are stamped with the fake clock's time, not the wall clock's.
    const history = await ledger.history();
    expect(history.map((row) => row.status)).toEqual(['saved', 'saved', 'saved']);
    for (const row of history) expect(Date.parse(row.at)).toBeGreaterThanOrEqual(started);
    expect(history.map((row) => row.cost)).toEqual(['0.0300', '0.0300', '0.0300']);
    expect(events.filter((event) => event.type === 'item-finished')).toHaveLength(3);

    // Again: every output exists, nothing is sent.
    const again = await runItems(items, context(), { limit: pLimit(2), failFast: false });
    expect(again.map((result) => result.status)).toEqual(['skipped', 'skipped', 'skipped']);
    expect(server.stats().creates_received).toBe(3);
  });

  it('records a create the client proved never left as never-sent, and sends it again next time', async () => {
    const { items, ledger, context, server } = await inProcessRun(1);
    const refused = { ...context(), client: new SparkClient({ baseUrl: 'http://127.0.0.1:9', apiKey: 'k', clock: context().clock }) };
    const [failed] = await runItems(items, refused, { limit: pLimit(1), failFast: false });
    expect(failed).toMatchObject({ status: 'failed', errorKind: 'network', created: false });
    expect((await ledger.history())[0]).toMatchObject({ status: 'never-sent', error_code: 'ECONNREFUSED' });
    const [saved] = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(saved).toMatchObject({ status: 'saved', created: true });
    expect(server.stats().tasks_created).toBe(1);
  });

  it('a lost create answer is "outcome unknown" and is not sent again unless asked', async () => {
    const { items, ledger, context, server } = await inProcessRun(1, { faults: { dropCreate: { count: 1 } } });
    const [lost] = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(lost).toMatchObject({ status: 'failed', errorKind: 'outcome-unknown' });
    expect(await ledger.counts()).toEqual({ open: 0, unknown: 1 });
    const [still] = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(still).toMatchObject({ status: 'failed', errorKind: 'outcome-unknown', error: { code: 'outcome-unknown' } });
    expect(server.stats().creates_received).toBe(1);
    const [resent] = await runItems(items, context({ settings: { ...RUN_SETTINGS, resendUnknown: true } }), { limit: pLimit(1), failFast: false });
    expect(resent).toMatchObject({ status: 'saved', created: true });
    expect(server.stats().tasks_created).toBe(2);
    expect(await ledger.counts()).toEqual({ open: 0, unknown: 0 });
  });

  it('after an interrupt starts nothing new, and the tasks created stay collectable', async () => {
    const { items, ledger, context, server } = await inProcessRun(3);
    const controller = new AbortController();
    const base = context();
    const interrupted: ItemContext = {
      ...base,
      interrupt: controller.signal,
      emit: (event) => {
        if (event.type === 'task-created') controller.abort();
      },
    };
    const results = await runItems(items, interrupted, { limit: pLimit(1), failFast: false });
    // The one whose task exists is interrupted (collected next time); the others never started.
    expect(results.map((result) => result.status).sort()).toEqual(['cancelled', 'cancelled', 'interrupted']);
    expect(results.filter((result) => result.status === 'cancelled').map((result) => result.error)).toEqual([
      { code: 'interrupted', message: 'not started: interrupted' },
      { code: 'interrupted', message: 'not started: interrupted' },
    ]);
    expect(results[0]!.task_id).not.toBeNull();
    expect(server.stats().tasks_created).toBe(1);
    expect(await ledger.counts()).toEqual({ open: 1, unknown: 0 });
    const resumed = await runItems(items, context(), { limit: pLimit(1), failFast: false });
    expect(resumed.map((result) => [result.status, result.created])).toEqual([
      ['saved', false],
      ['saved', true],
      ['saved', true],
    ]);
    expect(server.stats().tasks_created).toBe(3);
  });

  it('two items of one run with the same content take turns: one task, both saved', async () => {
    const { clock, server, ledger } = await inProcessRun(0);
    const dir = tempDir();
    const bytes = await makeImage(900, 700);
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a', 'same.jpg'), bytes);
    writeFileSync(join(dir, 'b', 'copy.jpg'), bytes);
    const items = planItems(
      [join(dir, 'a', 'same.jpg'), join(dir, 'b', 'copy.jpg')].map((path) => ({ kind: 'file' as const, path, relativeDir: '' })),
      [resolveStyle('clay')],
      undefined,
    );
    const context = runnerContext({ baseUrl: server.url, clock, ledger, items });
    const results = await runItems(items, context, { limit: pLimit(2), failFast: false });
    // Whichever claims the key first creates; the other collects.
    expect(
      results.map((result) => result.status),
      JSON.stringify(results.map((result) => result.error)),
    ).toEqual(['saved', 'saved']);
    expect(results.filter((result) => result.created)).toHaveLength(1);
    expect(results[0]!.task_id).toBe(results[1]!.task_id);
    expect(existsSync(join(dir, 'a', 'same.clay.jpg')) && existsSync(join(dir, 'b', 'copy.clay.jpg'))).toBe(true);
    expect(server.stats().tasks_created).toBe(1);
  });
});
