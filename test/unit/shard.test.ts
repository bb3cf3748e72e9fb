import { describe, expect, it } from 'vitest';
import { STYLES } from '../../src/catalog/styles.js';
import type { InputSource } from '../../src/runner/inputs.js';
import { planItems, type PlannedItem } from '../../src/runner/plan.js';
import { parseShard, selectShard, shardKey, shardOf } from '../../src/runner/shard.js';

/** A listing of `root` as expandInputs makes it: 60 files in three subfolders. */
function listing(root: string): InputSource[] {
  return Array.from({ length: 60 }, (_, n) => {
    const relativeDir = ['', 'a', 'a/b'][n % 3]!;
    return { kind: 'file', path: [root, relativeDir, `IMG_${String(n).padStart(4, '0')}.jpg`].filter(Boolean).join('/'), relativeDir } as InputSource;
  });
}

const styles = STYLES.slice(0, 3);
const label = (item: PlannedItem) => shardKey(item);

describe('--shard', () => {
  it('splits a batch into shards that never overlap and together cover it', () => {
    const items = planItems(listing('/data/photos'), styles, '/out');
    for (const count of [1, 2, 3, 7, 16]) {
      const shards = Array.from({ length: count }, (_, k) => selectShard(items, { index: k + 1, count }).map(label));
      const all = shards.flat();
      expect(all).toHaveLength(items.length);
      expect(new Set(all)).toEqual(new Set(items.map(label)));
    }
  });

  it('spreads items over the shards (no shard empty or doubled for 180 items in 4)', () => {
    const items = planItems(listing('/data/photos'), styles, undefined);
    const sizes = [1, 2, 3, 4].map((index) => selectShard(items, { index, count: 4 }).length);
    for (const size of sizes) expect(size).toBeGreaterThan(180 / 4 / 2);
  });

  it('is stable: the same listing mounted elsewhere, in another order, gives the same shards', () => {
    const here = selectShard(planItems(listing('/data/photos'), styles, '/out'), { index: 2, count: 5 }).map(label);
    const there = selectShard(planItems(listing('/mnt/nfs/team/photos').reverse(), styles, '/elsewhere'), { index: 2, count: 5 }).map(label);
    expect(new Set(there)).toEqual(new Set(here));
    // Pinned values: a change of hash would silently re-partition running jobs.
    // FNV-1a 32 of "foobar" is 0xbf9cf968 (the published test vector).
    expect(shardOf('foobar', 0xbf9cf968 + 1)).toBe(0xbf9cf968 + 1);
    expect([shardOf('x.jpg\nghibli', 1000), shardOf('x.jpg\nanime', 1000), shardOf('https://e.example/cat.jpg\nclay', 1000)]).toEqual([480, 81, 47]);
  });

  it('numbers the items of a shard again from 0', () => {
    const shard = selectShard(planItems(listing('/p'), styles, undefined), { index: 1, count: 3 });
    expect(shard.map((item) => item.index)).toEqual(shard.map((_, n) => n));
  });

  it('refuses K/N outside 1 <= K <= N', () => {
    expect(parseShard('3/8')).toEqual({ index: 3, count: 8 });
    for (const bad of ['0/4', '5/4', '1/0', '2', 'a/b', '-1/4', '1/4/2', '']) {
      expect(() => parseShard(bad)).toThrow(/must be K\/N with 1 <= K <= N/);
    }
  });
});
