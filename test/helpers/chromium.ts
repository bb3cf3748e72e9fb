import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The names Chromium goes by on PATH, in the order a Debian, Ubuntu or Chrome install has them. */
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/** Where Playwright keeps its browsers (`npx playwright install chromium`), newest build first. */
function inPlaywrightCache(env: NodeJS.ProcessEnv): string[] {
  const cache = env.PLAYWRIGHT_BROWSERS_PATH || (env.HOME ? join(env.HOME, '.cache', 'ms-playwright') : '');
  if (!cache || !existsSync(cache)) return [];
  const builds = readdirSync(cache)
    .filter((name) => /^chromium(_headless_shell)?-\d+$/.test(name))
    .sort((a, b) => Number(b.split('-').pop()) - Number(a.split('-').pop()));
  return builds.flatMap((build) =>
    ['chrome-linux/chrome', 'chrome-linux/headless_shell', 'chrome-headless-shell-linux64/chrome-headless-shell', 'chrome-linux64/chrome'].map((path) =>
      join(cache, build, path),
    ),
  );
}

/**
 * A Chromium to drive, wherever it is: CHROME_PATH, then PATH, then Playwright's cache. None is
 * a failure that says what to install, not a skipped test: the report's browser test is part
 * of the suite (.ci/run installs Debian's chromium).
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string {
  if (env.CHROME_PATH) {
    if (existsSync(env.CHROME_PATH)) return env.CHROME_PATH;
    throw new Error(`CHROME_PATH is ${env.CHROME_PATH}, which does not exist`);
  }
  const onPath = (env.PATH ?? '').split(delimiter).flatMap((dir) => ON_PATH.map((name) => join(dir, name)));
  const found = [...onPath, ...inPlaywrightCache(env)].find((path) => existsSync(path));
  if (found) return found;
  throw new Error(
    `no Chromium found (looked for CHROME_PATH, ${ON_PATH.join(', ')} on PATH, and Playwright's cache): ` +
      'install one (apt-get install chromium, or npx playwright install chromium) or set CHROME_PATH to it',
  );
}
