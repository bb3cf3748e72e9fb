import { afterEach, beforeEach } from 'vitest';
import { runAfterThisTest } from '../helpers/cleanup.js';

// A setup file runs again before every test file, isolated or not: these hooks serve each one.
// The worker lives on after the file (vitest.config.ts: isolate false), so a test that failed
// half way must not leave the next one in its (removed) working folder.
let cwdBefore = process.cwd();
beforeEach(() => {
  cwdBefore = process.cwd();
});
afterEach(async () => {
  try {
    await runAfterThisTest();
  } finally {
    if (currentFolder() !== cwdBefore) process.chdir(cwdBefore);
  }
});

/** The working folder, or null when it was removed under us. */
function currentFolder(): string | null {
  try {
    return process.cwd();
  } catch {
    return null;
  }
}
