import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { runItems } from '../../src/runner/batch.js';
import { parseUsd, SpendBudget } from '../../src/runner/budget.js';
import type { ItemContext } from '../../src/runner/item.js';
import { forecastCost, PRICE_SAMPLE, priceBookFromLedger } from '../../src/runner/prices.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { inProcessRun } from '../helpers/runner.js';

const at = (price: string) => () => parseUsd(price);

describe('--budget in the batch runner (in-process)', () => {
  it('starts only the tasks that fit, and reports the rest as not started (budget)', async () => {
    const { server, items, context } = await inProcessRun(5, { style: 'ghibli' });
    const budget = new SpendBudget(parseUsd('0.10')!, at('0.03'));
    const results = await runItems(items, context({ budget }), { limit: pLimit(2), failFast: false });
    expect(results.map((result) => result.status)).toEqual(['saved', 'saved', 'saved', 'cancelled', 'cancelled']);
    expect(results[3]).toMatchObject({ created: false, task_id: null, error: { code: 'budget' } });
    expect(results[3]!.error!.message).toContain('--budget $0.10');
    expect(server.stats().creates_received).toBe(3);
    expect(budget.spent).toBe(90_000);
    expect(budget.committed).toBe(90_000);
  });

  it('with no price known, the first task goes alone and the others wait for its cost', async () => {
    const { server, items, context, events } = await inProcessRun(4, { style: 'ghibli', costPerTask: '0.0250' });
    const budget = new SpendBudget(parseUsd('0.06')!, () => null);
    const results = await runItems(items, context({ budget }), { limit: pLimit(4), failFast: false });
    const order = events
      .filter((event) => (event.type === 'task-created' && !event.reused) || event.type === 'item-finished')
      .map((event) => `${event.type} ${event.item.index}`);
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
    const { server, items, context } = await inProcessRun(2, {
      style: 'ghibli',
      faults: { createError: { status: 400, after: 0, count: 1, code: '003008001' } },
    });
    const budget = new SpendBudget(parseUsd('0.03')!, at('0.03'));
    const results = await runItems(items, context({ budget }), { limit: pLimit(1), failFast: false });
    expect(results.map((result) => result.status)).toEqual(['failed', 'saved']);
    expect(server.stats().tasks_created).toBe(1);
    expect(budget.spent).toBe(30_000);
  });

  it('a create whose answer was lost counts at its estimate (it may have been charged)', async () => {
    const { items, context } = await inProcessRun(2, { style: 'ghibli', faults: { dropCreate: { count: 1 } } });
    const budget = new SpendBudget(parseUsd('0.05')!, at('0.03'));
    const results = await runItems(items, context({ budget }), { limit: pLimit(1), failFast: false });
    expect(results.map((result) => [result.status, result.error?.code])).toEqual([
      ['failed', 'outcome-unknown'],
      ['cancelled', 'budget'],
    ]);
    expect(budget.spent).toBe(30_000);
    expect(budget.estimatedTasks).toBe(1);
  });

  it('Ctrl-C: a task left running counts at its estimate; one waiting for a price is not started', async () => {
    const { items, context, server } = await inProcessRun(3, { style: 'ghibli' });
    const controller = new AbortController();
    const budget = new SpendBudget(parseUsd('1.00')!, () => null);
    const base = context({ budget });
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
    const { items, ledger, context } = await inProcessRun(3, { style: 'ghibli', costPerTask: '0.0400' });
    await runItems(items, context({ budget: new SpendBudget(parseUsd('10')!, () => null) }), { limit: pLimit(3), failFast: false });
    const book = await priceBookFromLedger(ledger);
    expect(book.estimate('ghibli')).toEqual({ micro: 40_000, basis: 'style' });
    expect(book.estimate('clay')).toEqual({ micro: 40_000, basis: 'all-styles' });
    const forecast = forecastCost(['ghibli', 'ghibli', 'clay'], book, parseUsd('0.10'));
    expect(forecast).toMatchObject({ expectedMicro: 120_000, basis: 'all-styles', fitting: 2 });
    expect(forecastCost(['ghibli'], await priceBookFromLedger(SqliteLedger.inMemory(fakeClock())), null)).toMatchObject({
      expectedMicro: null,
      basis: null,
      fitting: null,
    });
  });

  it('prices come from the newest saved tasks with a sane cost, so a price change shows', async () => {
    let now = 0;
    const ledger = SqliteLedger.inMemory({ now: () => now, sleep: async () => undefined });
    const save = async (key: string, style: string, cost: string | null, status: 'saved' | 'failed' = 'saved') => {
      now += 1000;
      const attempt = await ledger.recordIntent({
        key,
        input: `/in/${key}.jpg`,
        inputSha256: key,
        style,
        reqKey: 'r',
        subReqKey: null,
        options: {},
        outputBase: null,
      });
      await ledger.recordAnswer(attempt, `t-${key}`);
      if (status === 'saved') await ledger.recordSaved(`t-${key}`, `/out/${key}.jpg`, cost);
      else await ledger.recordFailed(`t-${key}`, '003008095', cost);
    };
    for (let i = 0; i < PRICE_SAMPLE; i++) await save(`old${i}`, 'ghibli', '0.0500');
    await save('free', 'ghibli', 'free');
    await save('huge', 'ghibli', '5000');
    await save('failed', 'clay', '0.9000', 'failed');
    for (let i = 0; i < 3; i++) await save(`new${i}`, 'ghibli', '0.0300');
    // The newest 6 saved tasks, of which the 4 with a sane cost (not "free", not 5000).
    expect(await ledger.recentCosts(6)).toEqual([
      { style: 'ghibli', cost: 0.03 },
      { style: 'ghibli', cost: 0.03 },
      { style: 'ghibli', cost: 0.03 },
      { style: 'ghibli', cost: 0.05 },
    ]);
    // Of the newest 2000 saved: 3 at 0.03, 2 insane, 1995 at 0.05.
    expect((await priceBookFromLedger(ledger)).estimate('ghibli')).toEqual({ micro: 50_000, basis: 'style' });
    for (let i = 0; i < PRICE_SAMPLE / 2; i++) await save(`newer${i}`, 'ghibli', '0.0300');
    expect((await priceBookFromLedger(ledger)).estimate('ghibli')).toEqual({ micro: 30_000, basis: 'style' });
    // A failed task's cost is not a price.
    expect((await priceBookFromLedger(ledger)).estimate('clay')).toEqual({ micro: 30_000, basis: 'all-styles' });
  });
});
