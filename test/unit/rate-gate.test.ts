import { describe, expect, it } from 'vitest';
import { AdaptiveRateGate } from '../../src/runner/rate-gate.js';
import { fakeClock } from '../helpers/fake-clock.js';

describe('AdaptiveRateGate', () => {
  it('halves the concurrency on each 429 (not below 1) and pauses every request', async () => {
    const clock = fakeClock(0);
    const limit = { concurrency: 8 };
    const gate = new AdaptiveRateGate(limit, clock, { maxConcurrency: 8 });
    gate.rateLimited(2000);
    expect(limit.concurrency).toBe(4);
    await gate.whenOpen();
    expect(clock.sleeps).toEqual([2000]);
    gate.rateLimited(null);
    gate.rateLimited(null);
    gate.rateLimited(null);
    expect(limit.concurrency).toBe(1);
  });

  it('backs off exponentially without Retry-After, and a later pause never shortens an earlier one', async () => {
    const clock = fakeClock(0);
    const gate = new AdaptiveRateGate({ concurrency: 4 }, clock, { maxConcurrency: 4, baseBackoffMs: 1000 });
    gate.rateLimited(null); // 1 s
    gate.rateLimited(null); // 2 s
    gate.rateLimited(null); // 4 s
    gate.rateLimited(500); // shorter: the 4 s pause stands
    await gate.whenOpen();
    expect(clock.sleeps).toEqual([4000]);
  });

  it('recovers one step per run of successes once the 429s stop', () => {
    const limit = { concurrency: 8 };
    const gate = new AdaptiveRateGate(limit, fakeClock(0), { maxConcurrency: 8, recoverAfter: 3 });
    gate.rateLimited(0);
    gate.rateLimited(0);
    expect(limit.concurrency).toBe(2);
    for (let i = 0; i < 3; i++) gate.succeeded();
    expect(limit.concurrency).toBe(3);
    for (let i = 0; i < 30; i++) gate.succeeded();
    expect(limit.concurrency).toBe(8);
  });
});
