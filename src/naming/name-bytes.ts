import { createHash } from 'node:crypto';

/**
 * File systems limit each path component in bytes, not characters (NAME_MAX, 255 on ext4,
 * xfs, btrfs, APFS, tmpfs): 83 CJK characters are 249 bytes in UTF-8. Every name is fitted to
 * this before a task is created, so a paid result always has a name it can be saved under.
 */
export const NAME_MAX_BYTES = 255;

/**
 * Bytes kept free in a result's file name for what is appended after planning: "-2" for the
 * second image of a task and "-1000" for the next free name when the name is taken. Temporary
 * files do not borrow from a result's name at all (see writeAtomically).
 */
export const NAME_SUFFIX_RESERVE_BYTES = 8;

/** Linux PATH_MAX, for the whole path. */
export const PATH_MAX_BYTES = 4096;

export function byteLength(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The longest prefix of `text` that fits in `maxBytes` of UTF-8, cut between code points. */
function truncateToBytes(text: string, maxBytes: number): string {
  if (byteLength(text) <= maxBytes) return text;
  let used = 0;
  let end = 0;
  for (const char of text) {
    const size = byteLength(char);
    if (used + size > maxBytes) break;
    used += size;
    end += char.length;
  }
  return text.slice(0, end);
}

/**
 * A stem cut to `maxBytes`, ending in "~" and 6 hex digits of the whole stem's hash: two long
 * names that share a beginning still get different (and stable, run after run) names.
 */
export function shortenStem(stem: string, maxBytes: number): string {
  if (byteLength(stem) <= maxBytes) return stem;
  const tag = `~${createHash('sha256').update(stem).digest('hex').slice(0, 6)}`;
  return truncateToBytes(stem, maxBytes - tag.length).trimEnd() + tag;
}
