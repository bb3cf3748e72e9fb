import { stat } from 'node:fs/promises';
import type { Clock } from '../core/clock.js';

/** What tells a file still being written from a finished one. */
interface FileShape {
  readonly size: number;
  readonly mtimeMs: number;
}

/** The file's size and time, or null when it is gone (deleted, or renamed away). */
export type ReadShape = (path: string) => Promise<FileShape | null>;

const readShape: ReadShape = async (path) => {
  try {
    const info = await stat(path);
    return info.isFile() ? { size: info.size, mtimeMs: info.mtimeMs } : null;
  } catch {
    return null;
  }
};

export interface StabilityOptions {
  readonly clock: Clock;
  readonly readShape?: ReadShape;
  /** How often the file is looked at while it may still grow. */
  readonly intervalMs: number;
  /** How long size and time must stay the same before the file counts as written. */
  readonly quietMs: number;
  readonly signal?: AbortSignal;
}

/**
 * 'written': the same size and time for `quietMs`. 'vanished': it went away meanwhile (not an
 * error). 'empty': it stayed at 0 bytes: a copy that has not started, or an empty file; not
 * sent, and its next change brings it back.
 */
export type Stability = 'written' | 'vanished' | 'empty';

/**
 * Waits until a file has stopped growing. A photo copied over a slow network share arrives in
 * pieces, with pauses longer than a poll: only a quiet period on the injected clock, measured
 * from the last change seen, tells it is whole. Never a half-written file sent and paid for.
 */
export async function waitUntilWritten(path: string, options: StabilityOptions): Promise<Stability> {
  const read = options.readShape ?? readShape;
  let last = await read(path);
  if (last === null) return 'vanished';
  let quietSince = options.clock.now();
  for (;;) {
    await options.clock.sleep(options.intervalMs, options.signal);
    const now = await read(path);
    if (now === null) return 'vanished';
    if (now.size !== last.size || now.mtimeMs !== last.mtimeMs) {
      last = now;
      quietSince = options.clock.now();
      continue;
    }
    if (options.clock.now() - quietSince >= options.quietMs) return now.size === 0 ? 'empty' : 'written';
  }
}
