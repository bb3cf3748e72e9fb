/**
 * What a test made and must undo (servers, temporary folders, clients), undone after that test
 * by test/setup/cleanup-after-each.ts. Helpers register here rather than calling `afterEach`
 * themselves: the suite runs without per-file isolation (vitest.config.ts), so a helper module is
 * evaluated once per worker, and a hook it registered at its top level would only serve the first
 * test file that imported it.
 */
const pending: (() => void | Promise<void>)[] = [];

/** Undo `step` after the current test; steps run last-registered first (a server closes before its folder goes). */
export function afterThisTest(step: () => void | Promise<void>): void {
  pending.push(step);
}

/** Runs every pending step, newest first; every step runs even when one fails, and the first failure is thrown. */
export async function runAfterThisTest(): Promise<void> {
  const failures: unknown[] = [];
  for (let step = pending.pop(); step; step = pending.pop()) {
    try {
      await step();
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
}
