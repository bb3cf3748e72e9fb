import type { Run, RunEvent, RunResult } from './types.js';

/**
 * A Run from the work that produces it: every event is kept, so each iterator (however late it
 * starts) sees the whole run from its first event, and `result` settles with the work. An
 * iterator that stops early (break) does not stop the run: aborting is the signal's job.
 */
export function startRun<Result extends RunResult>(work: (emit: (event: RunEvent) => void) => Promise<Result>): Run<Result> {
  const events: RunEvent[] = [];
  const wakers = new Set<() => void>();
  let ended = false;
  const emit = (event: RunEvent): void => {
    events.push(event);
    for (const wake of wakers) wake();
  };
  // Started on the next turn, so that a caller can attach its iterator before the first event.
  const result = Promise.resolve().then(() => work(emit));
  const end = (): void => {
    ended = true;
    for (const wake of wakers) wake();
  };
  result.then(end, end);
  // An unobserved failure is the caller's to see through `result` or the iterator, not an unhandled rejection.
  result.catch(() => undefined);

  async function* iterate(): AsyncGenerator<RunEvent> {
    let next = 0;
    while (true) {
      if (next < events.length) {
        yield events[next++]!;
        continue;
      }
      if (ended) {
        await result; // throws the run's error, if it failed
        return;
      }
      await new Promise<void>((resolve) => {
        const wake = (): void => {
          wakers.delete(wake);
          resolve();
        };
        wakers.add(wake);
      });
    }
  }
  return { result, [Symbol.asyncIterator]: iterate };
}
