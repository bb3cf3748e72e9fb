import { basename } from 'node:path';
import { UsageError } from '../core/errors.js';
import type { PlannedItem } from './plan.js';

/** Shard K of N, K from 1: `--shard 2/8`. */
export interface Shard {
  readonly index: number;
  readonly count: number;
}

export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index < 1 || index > count || !Number.isSafeInteger(count)) {
    throw new UsageError(`--shard "${text}" must be K/N with 1 <= K <= N, e.g. 1/4`, { code: 'invalid-shard' });
  }
  return { index, count };
}

/**
 * What every machine must agree on to compute the same partition: the input's path relative
 * to the input root (a folder's listing keeps its subfolders; a file named directly is its
 * own root), the URL, or the name of an unusable input, plus the style. Never an absolute
 * path, so machines that mount the photos at different places still agree.
 */
export function shardKey(item: Pick<PlannedItem, 'source' | 'style'>): string {
  const { source } = item;
  const input =
    source.kind === 'file'
      ? source.relativeDir
        ? `${source.relativeDir}/${basename(source.path)}`
        : basename(source.path)
      : source.kind === 'url'
        ? source.url
        : source.label;
  return `${input}\n${item.style.alias}`;
}

/** Which shard (1..count) an item belongs to: FNV-1a over the key's UTF-8 bytes, the same on every machine. */
export function shardOf(key: string, count: number): number {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(key)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return (hash % count) + 1;
}

/**
 * The items of one shard, numbered again from 0. Applied after planning, so every machine
 * sees the same output-name collisions as a run over the whole batch would.
 */
export function selectShard(items: readonly PlannedItem[], shard: Shard | undefined): PlannedItem[] {
  if (!shard) return [...items];
  return items.filter((item) => shardOf(shardKey(item), shard.count) === shard.index).map((item, index) => ({ ...item, index }));
}
