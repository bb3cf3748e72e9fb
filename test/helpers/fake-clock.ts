import type { Clock } from '../../src/core/clock.js';
import { InterruptedError } from '../../src/core/errors.js';

/** A clock whose sleeps return at once and move time forward, recording every wait. */
export function fakeClock(start = 1_000_000): Clock & { sleeps: number[]; advance(ms: number): void } {
  let now = start;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
    },
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw new InterruptedError();
      sleeps.push(ms);
      now += ms;
    },
  };
}
