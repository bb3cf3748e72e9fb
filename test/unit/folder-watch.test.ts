import { appendFileSync, copyFileSync, mkdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { addProvenance } from '../../src/image/provenance.js';
import { markAsSheet } from '../../src/sheet/marker.js';
import { SessionAllowance, type Turn } from '../../src/session/allowance.js';
import { type BatchOutcome, FolderWatch } from '../../src/watch/folder-watch.js';
import { PHOTOS } from '../helpers/cli.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { tempDir } from '../helpers/tmp.js';

const watches: FolderWatch[] = [];
afterEach(async () => {
  await Promise.all(watches.splice(0).map((watch) => watch.stop()));
});

/** A watch whose batches are recorded (and answered with `outcome`) instead of stylized. */
function recordingWatch(
  folder: string,
  options: { out?: string; allowance?: SessionAllowance; outcome?: BatchOutcome; clock?: Clock; recursive?: boolean } = {},
) {
  const batches: { paths: readonly string[]; turn: Turn; sizes: number[] }[] = [];
  const waiters: (() => void)[] = [];
  const notes: string[] = [];
  const watch = new FolderWatch({
    folders: [folder],
    neverInputs: { outputFolders: options.out ? [options.out] : [], aliases: ['ghibli', 'ink-wash'] },
    allowance: options.allowance ?? new SessionAllowance({ budgetMicro: null, maxTasks: null }),
    clock: options.clock ?? fakeClock(),
    recursive: options.recursive,
    quietMs: 2000,
    pollMs: 500,
    runBatch: async (paths, turn) => {
      batches.push({ paths, turn, sizes: paths.map((path) => statSync(path).size) });
      for (const wake of waiters.splice(0)) wake();
      return options.outcome ?? { spentMicro: 0, tasksCreated: paths.length, heldBack: 0 };
    },
    notes: {
      leftOut: (path, why) => notes.push(`left out ${path}: ${why}`),
      vanished: (path) => notes.push(`vanished ${path}`),
      empty: (path) => notes.push(`empty ${path}`),
      capReached: () => notes.push('cap reached'),
      watcherError: (error) => notes.push(`error ${error.message}`),
    },
  });
  watches.push(watch);
  const batchWith = async (name: string) => {
    while (!batches.some((batch) => batch.paths.some((path) => path.endsWith(name)))) await new Promise<void>((wake) => waiters.push(wake));
  };
  return { watch, batches, notes, batchWith };
}

describe('FolderWatch', () => {
  it('takes the photos already there, never the output folder inside it, hidden files, non-images or result names', async () => {
    const folder = realpathSync(tempDir('spark-watch-'));
    const out = join(folder, 'art');
    mkdirSync(out);
    copyFileSync(join(PHOTOS, 'rocket_640x427.jpg'), join(folder, 'rocket.jpg'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(folder, 'hubble.jpg'));
    copyFileSync(join(PHOTOS, 'rocket_640x427.jpg'), join(out, 'rocket.jpg'));
    copyFileSync(join(PHOTOS, 'rocket_640x427.jpg'), join(folder, 'rocket.ink-wash.jpg'));
    writeFileSync(join(folder, '.spark-style-abc.tmp'), 'x');
    writeFileSync(join(folder, 'notes.txt'), 'x');
    const { watch, batches } = recordingWatch(folder, { out });
    await watch.start();
    await watch.idle();
    expect(batches.map((batch) => batch.paths)).toEqual([[join(folder, 'hubble.jpg'), join(folder, 'rocket.jpg')]]);
  });

  it('never a contact sheet or a result spark-style saved, whatever its name (read from the file once whole)', async () => {
    const folder = realpathSync(tempDir('spark-watch-'));
    const photo = readFileSync(join(PHOTOS, 'bridge_1302x953.jpg'));
    const { watch, batches, notes, batchWith } = recordingWatch(folder);
    await watch.start();
    writeFileSync(join(folder, 'contact.jpg'), markAsSheet(photo));
    const provenance = { capture: null, keepGps: false, creatorTool: 'spark-style test', description: 'ghibli' };
    writeFileSync(join(folder, 'renamed-result.jpg'), addProvenance(photo, provenance)!);
    writeFileSync(join(folder, 'photo.jpg'), photo);
    await batchWith('photo.jpg');
    await watch.idle();
    expect(batches.flatMap((batch) => batch.paths)).toEqual([join(folder, 'photo.jpg')]);
    expect(notes.filter((note) => note.startsWith('left out')).sort()).toEqual([
      `left out ${join(folder, 'contact.jpg')}: a result or contact sheet made by spark-style`,
      `left out ${join(folder, 'renamed-result.jpg')}: a result or contact sheet made by spark-style`,
    ]);
  });

  it('subfolders only with recursive', async () => {
    const folder = realpathSync(tempDir('spark-watch-'));
    mkdirSync(join(folder, 'sub'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(folder, 'top.jpg'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(folder, 'sub', 'deep.jpg'));
    const flat = recordingWatch(folder);
    await flat.watch.start();
    await flat.watch.idle();
    expect(flat.batches.map((batch) => batch.paths)).toEqual([[join(folder, 'top.jpg')]]);
    const deep = recordingWatch(folder, { recursive: true });
    await deep.watch.start();
    await deep.watch.idle();
    expect(deep.batches.map((batch) => batch.paths)).toEqual([[join(folder, 'sub', 'deep.jpg'), join(folder, 'top.jpg')]]);
  });

  it('then every new photo once whole, in a later batch; the output folder stays out', async () => {
    const folder = realpathSync(tempDir('spark-watch-'));
    const out = join(folder, 'art');
    mkdirSync(out);
    const { watch, batches, batchWith } = recordingWatch(folder, { out });
    await watch.start();
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(out, 'bridge.ghibli.jpg'));
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(out, 'plain-name.jpg'));
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(folder, 'bridge.jpg'));
    await batchWith('bridge.jpg');
    await watch.idle();
    expect(batches.flatMap((batch) => batch.paths)).toEqual([join(folder, 'bridge.jpg')]);
  });

  it('says once that the cap is reached, and keeps running batches (they collect) with nothing left to spend', async () => {
    const folder = realpathSync(tempDir('spark-watch-'));
    copyFileSync(join(PHOTOS, 'rocket_640x427.jpg'), join(folder, 'rocket.jpg'));
    const allowance = new SessionAllowance({ budgetMicro: 30_000, maxTasks: null });
    const { watch, batches, notes, batchWith } = recordingWatch(folder, { allowance, outcome: { spentMicro: 30_000, tasksCreated: 1, heldBack: 1 } });
    await watch.start();
    await watch.idle();
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(folder, 'hubble.jpg'));
    await batchWith('hubble.jpg');
    await watch.idle();
    expect(batches.map((batch) => batch.turn.budgetMicro)).toEqual([30_000, 0]);
    expect(notes.filter((note) => note === 'cap reached')).toHaveLength(1);
  });

  it('never takes a photo still being written: a slow copy is sent once, whole', async () => {
    const folder = realpathSync(tempDir('spark-watch-'));
    const whole = readFileSync(join(PHOTOS, 'bridge_1302x953.jpg'));
    const pieces = [whole.subarray(0, 40_000), whole.subarray(40_000, 90_000), whole.subarray(90_000)];
    const clock = fakeClock();
    const sleep = clock.sleep;
    // The copy goes on while the watch polls: a piece every three polls (1.5 s, under the 2 s quiet period).
    let polls = 0;
    clock.sleep = async (ms, signal) => {
      await sleep(ms, signal);
      polls += 1;
      if (polls % 3 === 0 && pieces.length) appendFileSync(join(folder, 'slow.jpg'), pieces.shift()!);
    };
    const { watch, batches, batchWith } = recordingWatch(folder, { clock });
    await watch.start();
    writeFileSync(join(folder, 'slow.jpg'), '');
    await batchWith('slow.jpg');
    await watch.idle();
    expect(batches.map((batch) => batch.sizes)).toEqual([[whole.length]]);
  });
});
