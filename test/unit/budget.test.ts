import { describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/core/errors.js';
import { formatUsd, median, parseUsd, SpendBudget } from '../../src/runner/budget.js';

describe('SpendBudget', () => {
  it('never reserves past the limit, counting tasks in flight at their estimate', async () => {
    const budget = new SpendBudget(parseUsd('0.10')!, () => parseUsd('0.03'));
    const first = await budget.reserve('ghibli');
    const second = await budget.reserve('ghibli');
    const third = await budget.reserve('ghibli');
    expect([first, second, third].every((reservation) => reservation !== null)).toBe(true);
    // 3 x 0.03 in flight; a fourth could reach 0.12: it waits for them (they may cost less).
    let fourthAnswered = false;
    const fourth = budget.reserve('ghibli').then((reservation) => {
      fourthAnswered = true;
      return reservation;
    });
    budget.charge(first!, parseUsd('0.03'));
    budget.charge(second!, parseUsd('0.03'));
    await Promise.resolve();
    expect(fourthAnswered).toBe(false);
    expect(budget.spent).toBe(60_000);
    budget.charge(third!, parseUsd('0.03'));
    // They cost their estimate: 0.09 spent, a fourth would reach 0.12.
    expect(await fourth).toBeNull();
    expect(await budget.reserve('ghibli')).toBeNull();
  });

  it('a task in flight that costs less than its estimate lets the one waiting go', async () => {
    const budget = new SpendBudget(parseUsd('0.10')!, () => parseUsd('0.05'));
    const first = await budget.reserve('anime');
    const second = await budget.reserve('anime');
    const third = budget.reserve('anime');
    budget.charge(first!, parseUsd('0.02'));
    // Learned 0.02: 0.02 spent + 0.05 in flight + 0.02 fits.
    expect(await third).toEqual({ style: 'anime', estimate: 20_000 });
    expect(budget.committed).toBe(90_000);
    budget.charge(second!, null);
    expect(budget.estimatedTasks).toBe(1);
  });

  it('a cheaper real cost frees room for more tasks', async () => {
    const budget = new SpendBudget(parseUsd('0.05')!, () => parseUsd('0.03'));
    const first = await budget.reserve('clay');
    // 0.03 in flight + 0.03 > 0.05: the second waits for the first's real cost.
    const second = budget.reserve('clay');
    budget.charge(first!, parseUsd('0.01'));
    // Learned: clay costs 0.01 in this run.
    expect(await second).toEqual({ style: 'clay', estimate: 10_000 });
    const more = [await budget.reserve('clay'), await budget.reserve('clay'), await budget.reserve('clay')];
    expect(more.every((reservation) => reservation !== null)).toBe(true);
    expect(budget.committed).toBe(50_000);
    const sixth = budget.reserve('clay');
    for (const reservation of [(await second)!, ...more]) budget.charge(reservation!, parseUsd('0.01'));
    expect(await sixth).toBeNull();
  });

  it('with no price known, creates one task and holds the rest until its cost is known', async () => {
    const budget = new SpendBudget(parseUsd('1.00')!, () => null);
    const first = await budget.reserve('marvel');
    expect(first).toEqual({ style: 'marvel', estimate: null });
    let secondSettled = false;
    const second = budget.reserve('marvel').then((reservation) => {
      secondSettled = true;
      return reservation;
    });
    await Promise.resolve();
    await Promise.resolve();
    expect(secondSettled).toBe(false);
    budget.charge(first!, parseUsd('0.40'));
    expect(await second).toEqual({ style: 'marvel', estimate: 400_000 });
    // 0.40 spent + 0.40 in flight: a third would reach 1.20 if the second costs 0.40 too.
    const third = budget.reserve('marvel');
    budget.charge((await second)!, parseUsd('0.40'));
    expect(await third).toBeNull();
  });

  it('with no price known for any style, one task of one style goes, and every other style waits too', async () => {
    const budget = new SpendBudget(parseUsd('0.07')!, () => null);
    const first = await budget.reserve('ghibli');
    let othersAnswered = 0;
    const others = ['clay', 'marvel', 'anime'].map((style) =>
      budget.reserve(style).then((reservation) => {
        othersAnswered++;
        return reservation;
      }),
    );
    await Promise.resolve();
    await Promise.resolve();
    expect(othersAnswered).toBe(0);
    budget.charge(first!, parseUsd('0.03'));
    // 0.03 learned for ghibli prices the others: 0.03 + 0.03 fits 0.07, a third would not (0.09).
    const clay = await others[0]!;
    expect(clay).toEqual({ style: 'clay', estimate: 30_000 });
    budget.charge(clay!, parseUsd('0.03'));
    expect(await Promise.all(others.slice(1))).toEqual([null, null]);
    expect(budget.spent).toBe(60_000);
  });

  it('a style never seen borrows the price learned for another style in this run', async () => {
    const budget = new SpendBudget(parseUsd('1.00')!, () => null);
    const first = await budget.reserve('anime');
    budget.charge(first!, parseUsd('0.30'));
    expect(await budget.reserve('doll')).toEqual({ style: 'doll', estimate: 300_000 });
  });

  it('an unknown cost counts as the estimate; a release spends nothing', async () => {
    const budget = new SpendBudget(parseUsd('1.00')!, () => parseUsd('0.25'));
    const first = await budget.reserve('cyber');
    const second = await budget.reserve('cyber');
    budget.charge(first!, null);
    budget.release(second!);
    expect(budget.spent).toBe(250_000);
  });

  it('the first task completes with no usable cost: nothing more is started, with the reason', async () => {
    const budget = new SpendBudget(parseUsd('0.05')!, () => null);
    const first = await budget.reserve('ghibli');
    const waiting = [budget.reserve('ghibli'), budget.reserve('clay')];
    budget.charge(first!, null, true);
    expect(await Promise.all(waiting)).toEqual([null, null]);
    expect(await budget.reserve('ghibli')).toBeNull();
    expect(budget.costUnreported).toBe(true);
    expect(budget.refusal('ghibli')).toBe(
      'not started: the service reported no cost for the first task, so --budget cannot be kept; run without --budget or with --max-tasks',
    );
  });

  it('a first task that failed (no cost, not completed) keeps holding the rest: the next one goes alone', async () => {
    const budget = new SpendBudget(parseUsd('0.05')!, () => null);
    const first = await budget.reserve('ghibli');
    const second = budget.reserve('ghibli');
    let thirdAnswered = false;
    void budget.reserve('ghibli').then(() => (thirdAnswered = true));
    budget.charge(first!, null);
    expect(await second).toEqual({ style: 'ghibli', estimate: null });
    await Promise.resolve();
    expect(thirdAnswered).toBe(false);
    expect(budget.costUnreported).toBe(false);
  });

  it('a style dearer than estimated: its tasks in flight are re-reserved at the real price', async () => {
    const budget = new SpendBudget(parseUsd('0.50')!, () => parseUsd('0.03'));
    const inFlight = [await budget.reserve('ghibli'), await budget.reserve('ghibli'), await budget.reserve('ghibli'), await budget.reserve('ghibli')];
    budget.charge(inFlight[0]!, parseUsd('0.10'));
    // 0.10 spent, 3 in flight now held at 0.10 each: one more fits 0.50 exactly, no more.
    expect(budget.committed).toBe(400_000);
    const fifth = await budget.reserve('ghibli');
    expect(fifth).toEqual({ style: 'ghibli', estimate: 100_000 });
    const sixth = budget.reserve('ghibli');
    for (const reservation of [...inFlight.slice(1), fifth]) budget.charge(reservation!, parseUsd('0.10'));
    expect(await sixth).toBeNull();
    expect(budget.spent).toBe(500_000);
  });

  it('a wait for a price ends with InterruptedError on Ctrl-C', async () => {
    const budget = new SpendBudget(parseUsd('1.00')!, () => null);
    await budget.reserve('anime');
    const controller = new AbortController();
    const waiting = budget.reserve('anime', controller.signal);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(InterruptedError);
  });
});

describe('money', () => {
  it('parses sane decimals only', () => {
    expect(parseUsd('0.0300')).toBe(30_000);
    expect(parseUsd('5')).toBe(5_000_000);
    for (const odd of ['-5', '1e308', 'NaN', '', ' ', 'abc', '1.2.3', null, undefined]) expect(parseUsd(odd as string)).toBeNull();
  });

  it('formats cents, and keeps sub-cent digits', () => {
    expect(formatUsd(30_000)).toBe('$0.03');
    expect(formatUsd(5_000_000)).toBe('$5.00');
    expect(formatUsd(3_500)).toBe('$0.0035');
    expect(formatUsd(0)).toBe('$0.00');
  });

  it('median of an even and an odd count', () => {
    expect(median([])).toBeNull();
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(3);
  });
});
