import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Vitest's global setup: the whole run, and every process it spawns, gets a HOME and XDG folders
 * of its own under the temp folder, removed at the end. Tests write nothing to the user's home:
 * not a config, not Chromium's profile, not dconf's or fontconfig's cache.
 */
export default function isolateHome(): () => void {
  const realHome = homedir();
  const home = mkdtempSync(join(tmpdir(), 'spark-style-test-home-'));
  const playwrightCache = join(realHome, '.cache', 'ms-playwright');
  // Playwright's browsers stay findable (test/helpers/chromium.ts) where they were installed.
  if (!process.env.PLAYWRIGHT_BROWSERS_PATH && existsSync(playwrightCache)) process.env.PLAYWRIGHT_BROWSERS_PATH = playwrightCache;
  process.env.HOME = home;
  process.env.XDG_CONFIG_HOME = join(home, '.config');
  process.env.XDG_CACHE_HOME = join(home, '.cache');
  process.env.XDG_DATA_HOME = join(home, '.local', 'share');
  process.env.XDG_STATE_HOME = join(home, '.local', 'state');
  return () => rmSync(home, { recursive: true, force: true });
}
