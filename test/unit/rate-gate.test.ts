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

describe('AdaptiveRateGate and long Retry-After', () => {
  it('pauses at most the retry policy bound (60 s) and says when it cuts a longer wait short', async () => {
    const clock = fakeClock(0);
    const cuts: [number, number][] = [];
    const gate = new AdaptiveRateGate({ concurrency: 4 }, clock, { maxConcurrency: 4, onRetryAfterCut: (asked, pause) => cuts.push([asked, pause]) });
    gate.rateLimited(3_600_000);
    await gate.whenOpen();
    expect(clock.sleeps).toEqual([60_000]);
    expect(cuts).toEqual([[3_600_000, 60_000]]);
    gate.rateLimited(30_000);
    await gate.whenOpen();
    expect(clock.sleeps).toEqual([60_000, 30_000]);
    expect(cuts).toHaveLength(1);
  });
});
