import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { waitUntilWritten } from '../../src/watch/stability.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { tempDir } from '../helpers/tmp.js';

/** A fake clock whose sleeps also run the next step of a writer (a slow copy, a delete). */
function clockWithWriter(steps: (() => void)[]) {
  const clock = fakeClock();
  const sleep = clock.sleep;
  clock.sleep = async (ms, signal) => {
    await sleep(ms, signal);
    steps.shift()?.();
  };
  return clock;
}

describe('watch: a file counts as written only once it stopped growing', () => {
  it('waits through a slow copy (pauses longer than a poll) until it is quiet for the whole period', async () => {
    const file = join(tempDir(), 'slow.jpg');
    writeFileSync(file, 'part1');
    // The copy stalls for two polls, then sends more, twice: each change restarts the quiet period.
    const steps = [() => {}, () => {}, () => appendFileSync(file, 'part2'), () => {}, () => {}, () => appendFileSync(file, 'part3')];
    const clock = clockWithWriter(steps);
    const started = clock.now();
    expect(await waitUntilWritten(file, { clock, intervalMs: 500, quietMs: 2000 })).toBe('written');
    // The last piece came at 3000 ms; then 2000 ms of quiet.
    expect(clock.now() - started).toBe(5000);
    expect(clock.sleeps).toEqual(Array(10).fill(500));
  });

  it('a finished file is written after one quiet period', async () => {
    const file = join(tempDir(), 'done.jpg');
    writeFileSync(file, 'whole');
    const clock = fakeClock();
    expect(await waitUntilWritten(file, { clock, intervalMs: 500, quietMs: 2000 })).toBe('written');
    expect(clock.sleeps).toEqual([500, 500, 500, 500]);
  });

  it('a file removed while settling has vanished (not an error); one that never gets bytes is empty', async () => {
    const dir = tempDir();
    const gone = join(dir, 'gone.jpg');
    writeFileSync(gone, 'x');
    expect(await waitUntilWritten(gone, { clock: clockWithWriter([() => rmSync(gone)]), intervalMs: 500, quietMs: 2000 })).toBe('vanished');
    expect(await waitUntilWritten(join(dir, 'never.jpg'), { clock: fakeClock(), intervalMs: 500, quietMs: 2000 })).toBe('vanished');
    const empty = join(dir, 'empty.jpg');
    writeFileSync(empty, '');
    expect(await waitUntilWritten(empty, { clock: fakeClock(), intervalMs: 500, quietMs: 2000 })).toBe('empty');
  });

  it('stops waiting when the watch stops', async () => {
    const file = join(tempDir(), 'a.jpg');
    writeFileSync(file, 'x');
    const stop = new AbortController();
    stop.abort();
    await expect(waitUntilWritten(file, { clock: fakeClock(), intervalMs: 500, quietMs: 2000, signal: stop.signal })).rejects.toThrow();
  });
});
