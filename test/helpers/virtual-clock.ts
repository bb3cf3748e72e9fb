import type { Clock } from '../../src/core/clock.js';
import { InterruptedError } from '../../src/core/errors.js';

/**
 * A clock for whole commands in-process, shared with the emulator: every sleep is a timer on a
 * virtual timeline, and time jumps to the earliest timer as soon as the event loop has run what
 * was ready (real HTTP on loopback included). Concurrent sleeps overlap as they would on a real
 * clock (four items polling at 2 s move time by 2 s, not 8 s), and nothing waits on the wall.
 *
 * Some work takes real time but none in the story: the emulator drawing a picture. Time moves
 * only once every `holdWhile` promise has settled, so a task whose latency is up has its
 * picture, as it would on the real service. It starts at the real time: ledger rows a test
 * writes "an hour ago" are an hour before the command's now.
 */
export interface VirtualClock extends Clock {
  /** Every sleep asked for, in order (ms). */
  readonly sleeps: number[];
  /** Moves time forward at once (a test's "30 s later"); sleeps that fall due wake up. */
  advance(ms: number): void;
  /** Time waits for what this returns before each jump. */
  holdWhile(pending: () => Promise<unknown>): void;
}

interface Timer {
  readonly due: number;
  readonly wake: () => void;
}

export function virtualClock(start = Date.now()): VirtualClock {
  let now = start;
  const timers = new Set<Timer>();
  const holds: (() => Promise<unknown>)[] = [];
  const sleeps: number[] = [];
  let jumpQueued = false;

  const wakeDue = () => {
    for (const timer of [...timers].sort((a, b) => a.due - b.due)) if (timer.due <= now) timer.wake();
  };
  const settle = async () => {
    await Promise.all(holds.map((pending) => pending()));
    // What a finished hold set going (a response's last bytes handed on) runs before time moves.
    await new Promise((resolve) => setImmediate(resolve));
  };
  const jump = async () => {
    await settle();
    await settle();
    jumpQueued = false;
    if (timers.size === 0) return;
    now = Math.max(now, Math.min(...[...timers].map((timer) => timer.due)));
    wakeDue();
    queueJump();
  };
  // setImmediate runs after the I/O that is ready: a reply already on the wire is read before time moves.
  const queueJump = () => {
    if (jumpQueued || timers.size === 0) return;
    jumpQueued = true;
    setImmediate(() => void jump());
  };

  return {
    sleeps,
    now: () => now,
    advance: (ms) => {
      now += ms;
      wakeDue();
    },
    holdWhile: (pending) => void holds.push(pending),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(new InterruptedError());
        sleeps.push(ms);
        const onAbort = () => {
          timers.delete(timer);
          reject(new InterruptedError());
        };
        const timer: Timer = {
          due: now + Math.max(0, ms),
          wake: () => {
            timers.delete(timer);
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        timers.add(timer);
        signal?.addEventListener('abort', onAbort, { once: true });
        queueJump();
      }),
  };
}
