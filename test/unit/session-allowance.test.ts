import { describe, expect, it } from 'vitest';
import { SessionAllowance } from '../../src/session/allowance.js';
import { spendOf } from '../../src/session/run-spend.js';

describe('session allowance: --budget and --max-tasks over a whole MCP session or watch', () => {
  it('gives each run what is left, and counts what it spent', async () => {
    const allowance = new SessionAllowance({ budgetMicro: 100_000, maxTasks: 5 });
    const first = await allowance.turn();
    expect([first.budgetMicro, first.maxTasks]).toEqual([100_000, 5]);
    first.end({ spentMicro: 60_000, tasksCreated: 2 });
    const second = await allowance.turn(20_000);
    // A call's own max_cost lowers its budget, never raises it.
    expect([second.budgetMicro, second.maxTasks]).toEqual([20_000, 3]);
    second.end({ spentMicro: 20_000, tasksCreated: 1 });
    const third = await allowance.turn(500_000);
    expect([third.budgetMicro, third.maxTasks]).toEqual([20_000, 2]);
    third.end({ spentMicro: 30_000, tasksCreated: 1 });
    expect([allowance.budgetLeftMicro, allowance.tasksLeft, allowance.spentMicro]).toEqual([0, 1, 110_000]);
  });

  it('runs take turns: the next waits until the one before has counted its spend', async () => {
    const allowance = new SessionAllowance({ budgetMicro: 50_000, maxTasks: null });
    const first = await allowance.turn();
    let secondBudget: number | null | undefined;
    const second = allowance.turn().then((turn) => {
      secondBudget = turn.budgetMicro;
      return turn;
    });
    await Promise.resolve();
    expect(secondBudget).toBeUndefined();
    first.end({ spentMicro: 30_000, tasksCreated: 1 });
    first.end({ spentMicro: 30_000, tasksCreated: 1 }); // counted once
    (await second).end({ spentMicro: 0, tasksCreated: 0 });
    expect(secondBudget).toBe(20_000);
    expect(allowance.spentMicro).toBe(30_000);
  });

  it('no caps: nothing limited', async () => {
    const turn = await new SessionAllowance({ budgetMicro: null, maxTasks: null }).turn();
    expect([turn.budgetMicro, turn.maxTasks]).toEqual([null, null]);
  });

  it("counts a run's created tasks at their cost, or the engine's spend when a cost was not reported", () => {
    const item = (created: boolean, cost: string | null, status = 'saved', code?: string) =>
      ({ created, cost, status, error: code ? { code, message: '' } : null }) as never;
    const result = {
      items: [item(true, '0.0300'), item(false, '0.0300'), item(true, null), item(false, null, 'cancelled', 'budget')],
      summary: { spent_usd: '0.0600' },
    };
    expect(spendOf(result as never)).toEqual({ spentMicro: 60_000, tasksCreated: 2, heldBack: 1 });
    expect(spendOf({ ...result, summary: { spent_usd: null } } as never)).toEqual({ spentMicro: 30_000, tasksCreated: 2, heldBack: 1 });
  });
});
