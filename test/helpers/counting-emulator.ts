import type { EmulatorOptions } from '../../src/emulator/server.js';
import { emulator } from './emulator.js';

type Hooks = Pick<EmulatorOptions, 'onConnection' | 'onCreateReceived' | 'beforeCreateAnswer' | 'onTaskRead'>;

/**
 * An emulator that counts the tasks it created per (photo, style) pair, which is what a user
 * pays for, with hooks a test may set and change between runs (a kill at a moment).
 */
export async function countingEmulator(options: EmulatorOptions = {}) {
  const perPair = new Map<string, number>();
  const hooks: Hooks = {};
  const server = await emulator({
    ...options,
    onTaskCreated: (_count, task) => perPair.set(`${task.imageSha256}/${task.alias}`, (perPair.get(`${task.imageSha256}/${task.alias}`) ?? 0) + 1),
    onConnection: (count) => hooks.onConnection?.(count),
    onCreateReceived: (count) => hooks.onCreateReceived?.(count),
    beforeCreateAnswer: (count) => hooks.beforeCreateAnswer?.(count),
    onTaskRead: (count) => hooks.onTaskRead?.(count),
  });
  return { server, hooks, perPair, mostPerPair: () => Math.max(0, ...perPair.values()) };
}
