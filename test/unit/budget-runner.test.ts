import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import type { Faults as EmulatorFaults } from '../../src/emulator/faults.js';
import { Ledger } from '../../src/ledger/ledger.js';
import { runItems } from '../../src/runner/batch.js';
import { parseUsd, SpendBudget } from '../../src/runner/budget.js';
import type { RunnerEvent } from '../../src/runner/events.js';
import type { ItemContext } from '../../src/runner/item.js';
import { planItems } from '../../src/runner/plan.js';
import { PreparedImageCache } from '../../src/runner/prepared-cache.js';
import { forecastCost, PRICE_SAMPLE, priceBookFromLedger } from '../../src/runner/prices.js';
import type { RunSettings } from '../../src/runner/run-settings.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

const SETTINGS: RunSettings = { overwrite: false, returnUrl: true, logo: null, timeoutMs: 600_000, retryFailed: false, resendUnknown: false, fix: null, saving: { provenance: true, keepGps: false, rescueFolder: null } };

/** The batch runner in-process with a --budget, against the emulator on a shared fake clock. */
async function setup(n: number, options: { faults?: EmulatorFaults; costPerTask?: string } = {}) {
  const clock = fakeClock(Date.UTC(2030, 5, 1));
  const server = await emulator({ latencyMs: 10_000, now: clock.now, faults: options.faults ?? {}, plain: true, costPerTask: options.costPerTask });
  const dir = tempDir();
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    paths.push(join(dir, `p${i + 1}.jpg`));
    writeFileSync(paths[i]!, await makeImage(800 + i * 8, 600));
  }
  const out = join(dir, 'out');
  mkdirSync(out);
  const items = planItems(paths.map((path) => ({ kind: 'file' as const, path, relativeDir: '' })), [resolveStyle('ghibli')], out);
  const ledger = Ledger.inMemory(clock);
  const events: RunnerEvent[] = [];
  const context = (budget: SpendBudget, extra: Partial<ItemContext> = {}): ItemContext => ({
    client: new SparkClient({ baseUrl: server.url, apiKey: 'k', clock }),
    ledger,
    clock,
    interrupt: new AbortController().signal,
    settings: SETTINGS,
    emit: (event) => events.push(event),
    images: new PreparedImageCache(items, null),
    budget,
    ...extra,
  });
  return { clock, server, items, ledger, events, context };
}

const at = (price: string) => () => parseUsd(price);

describe('--budget in the batch runner (in-process)', () => {
  it('starts only the tasks that fit, and reports the rest as not started (budget)', async () => {
    const { server, items, context } = await setup(5);
    const budget = new SpendBudget(parseUsd('0.10')!, at('0.03'));
    const results = await runItems(items, context(budget), { limit: pLimit(2), failFast: false });
    expect(results.map((result) => result.status)).toEqual(['saved', 'saved', 'saved', 'cancelled', 'cancelled']);
    expect(results[3]).toMatchObject({ created: false, task_id: null, error: { code: 'budget' } });
    expect(results[3]!.error!.message).toContain('--budget $0.10');
    expect(server.stats().creates_received).toBe(3);
    expect(budget.spent).toBe(90_000);
    expect(budget.committed).toBe(90_000);
  });

  it('with no price known, the first task goes alone and the others wait for its cost', async () => {
    const { server, items, context, events } = await setup(4, { costPerTask: '0.0250' });
    const budget = new SpendBudget(parseUsd('0.06')!, () => null);
    const results = await runItems(items, context(budget), { limit: pLimit(4), failFast: false });
    const order = events.filter((event) => (event.type === 'task-created' && !event.reused) || event.type === 'item-finished').map((event) => `${event.type} ${event.item.index}`);
    // Whichever item went first finished before any other create was sent.
    expect(order[0]).toMatch(/^task-created /);
    expect(order[1]).toBe(order[0]!.replace('task-created', 'item-finished'));
    // Then 0.025 is known: 0.025 spent + 2 x 0.025 in flight fits 0.06? no: 0.075. One more, then none.
    expect(results.filter((result) => result.status === 'saved')).toHaveLength(2);
    expect(results.filter((result) => result.error?.code === 'budget')).toHaveLength(2);
    expect(server.stats().tasks_created).toBe(2);
    expect(budget.spent).toBe(50_000);
  });

  it('a create proven never sent gives its reservation back', async () => {
    const { server, items, context } = await setup(2, { faults: { createError: { status: 400, after: 0, count: 1, code: '003008001' } } });
    const budget = new SpendBudget(parseUsd('0.03')!, at('0.03'));
    const results = await runItems(items, context(budget), { limit: pLimit(1), failFast: false });
    expect(results.map((result) => result.status)).toEqual(['failed', 'saved']);
    expect(server.stats().tasks_created).toBe(1);
    expect(budget.spent).toBe(30_000);
  });

  it('a create whose answer was lost counts at its estimate (it may have been charged)', async () => {
    const { items, context } = await setup(2, { faults: { dropCreate: { count: 1 } } });
    const budget = new SpendBudget(parseUsd('0.05')!, at('0.03'));
    const results = await runItems(items, context(budget), { limit: pLimit(1), failFast: false });
    expect(results.map((result) => [result.status, result.error?.code])).toEqual([
      ['failed', 'outcome-unknown'],
      ['cancelled', 'budget'],
    ]);
    expect(budget.spent).toBe(30_000);
    expect(budget.estimatedTasks).toBe(1);
  });

  it('Ctrl-C: a task left running counts at its estimate; one waiting for a price is not started', async () => {
    const { items, context, server } = await setup(3);
    const controller = new AbortController();
    const budget = new SpendBudget(parseUsd('1.00')!, () => null);
    const base = context(budget);
    const interrupted: ItemContext = {
      ...base,
      interrupt: controller.signal,
      emit: (event) => {
        if (event.type === 'task-created') controller.abort();
      },
    };
    const results = await runItems(items, interrupted, { limit: pLimit(3), failFast: false });
    // The one whose task exists is interrupted (collected next time); the others never started.
    expect(results.map((result) => result.status).sort()).toEqual(['cancelled', 'cancelled', 'interrupted']);
    expect(results.filter((result) => result.status === 'cancelled').map((result) => result.error)).toEqual([
      { code: 'interrupted', message: 'not started: interrupted' },
      { code: 'interrupted', message: 'not started: interrupted' },
    ]);
    expect(results.filter((result) => result.task_id !== null)).toHaveLength(1);
    expect(server.stats().tasks_created).toBe(1);
    // No price was known: the one left running is counted at nothing, and says so.
    expect(budget.estimatedTasks).toBe(1);
    expect(budget.spent).toBe(0);
    expect(budget.committed).toBe(0);
  });

  it('a style priced by the ledger: its own median, else the median over all styles', async () => {
    const { items, ledger, context } = await setup(3, { costPerTask: '0.0400' });
    await runItems(items, context(new SpendBudget(parseUsd('10')!, () => null)), { limit: pLimit(3), failFast: false });
    const book = priceBookFromLedger(ledger);
    expect(book.estimate('ghibli')).toEqual({ micro: 40_000, basis: 'style' });
    expect(book.estimate('clay')).toEqual({ micro: 40_000, basis: 'all-styles' });
    const forecast = forecastCost(['ghibli', 'ghibli', 'clay'], book, parseUsd('0.10'));
    expect(forecast).toMatchObject({ expectedMicro: 120_000, basis: 'all-styles', fitting: 2 });
    expect(forecastCost(['ghibli'], priceBookFromLedger(Ledger.inMemory(fakeClock())), null)).toMatchObject({ expectedMicro: null, basis: null, fitting: null });
  });

  it('prices come from the newest saved tasks with a sane cost, so a price change shows', () => {
    let now = 0;
    const ledger = Ledger.inMemory({ now: () => now, sleep: async () => undefined });
    const save = (key: string, style: string, cost: string | null, status: 'saved' | 'failed' = 'saved') => {
      now += 1000;
      const attempt = ledger.recordIntent({ key, input: `/in/${key}.jpg`, inputSha256: key, style, reqKey: 'r', subReqKey: null, options: {}, outputBase: null });
      ledger.recordAnswer(attempt, `t-${key}`);
      if (status === 'saved') ledger.recordSaved(`t-${key}`, `/out/${key}.jpg`, cost);
      else ledger.recordFailed(`t-${key}`, '003008095', cost);
    };
    for (let i = 0; i < PRICE_SAMPLE; i++) save(`old${i}`, 'ghibli', '0.0500');
    save('free', 'ghibli', 'free');
    save('huge', 'ghibli', '5000');
    save('failed', 'clay', '0.9000', 'failed');
    for (let i = 0; i < 3; i++) save(`new${i}`, 'ghibli', '0.0300');
    expect(ledger.recentCosts(4)).toEqual([
      { style: 'ghibli', cost: 0.03 },
      { style: 'ghibli', cost: 0.03 },
      { style: 'ghibli', cost: 0.03 },
      { style: 'ghibli', cost: 0.05 },
    ]);
    // Of the newest 2000: 3 at 0.03 and 1997 at 0.05.
    expect(priceBookFromLedger(ledger).estimate('ghibli')).toEqual({ micro: 50_000, basis: 'style' });
    for (let i = 0; i < PRICE_SAMPLE / 2; i++) save(`newer${i}`, 'ghibli', '0.0300');
    expect(priceBookFromLedger(ledger).estimate('ghibli')).toEqual({ micro: 30_000, basis: 'style' });
    // A failed task's cost is not a price.
    expect(priceBookFromLedger(ledger).estimate('clay')).toEqual({ micro: 30_000, basis: 'all-styles' });
  });
});
