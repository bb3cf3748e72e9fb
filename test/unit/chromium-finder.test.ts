import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../helpers/chromium.js';
import { tempDir } from '../helpers/tmp.js';

function file(path: string): string {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, '#!/bin/sh\n', { mode: 0o755 });
  return path;
}

describe("the browser test's Chromium", () => {
  it('with none installed: an error that says where it looked and what to install', () => {
    const empty = tempDir();
    expect(() => findChromium({ PATH: empty, HOME: empty })).toThrow(
      /no Chromium found \(looked for CHROME_PATH, chromium, chromium-browser, google-chrome, google-chrome-stable on PATH, and Playwright's cache\): install one \(apt-get install chromium, or npx playwright install chromium\) or set CHROME_PATH/,
    );
    expect(() => findChromium({ PATH: empty, CHROME_PATH: join(empty, 'nope') })).toThrow(`CHROME_PATH is ${join(empty, 'nope')}, which does not exist`);
  });

  it('finds CHROME_PATH first, then PATH (chromium-browser, google-chrome), then the newest Playwright build', () => {
    const dir = tempDir();
    const bin = join(dir, 'bin');
    const home = join(dir, 'home');
    const old = file(join(home, '.cache', 'ms-playwright', 'chromium-1100', 'chrome-linux', 'chrome'));
    const newest = file(join(home, '.cache', 'ms-playwright', 'chromium-1200', 'chrome-linux', 'chrome'));
    expect(old).not.toBe(newest);
    expect(findChromium({ PATH: bin, HOME: home })).toBe(newest);
    expect(findChromium({ PATH: bin, HOME: dir, PLAYWRIGHT_BROWSERS_PATH: join(home, '.cache', 'ms-playwright') })).toBe(newest);
    const google = file(join(bin, 'google-chrome'));
    expect(findChromium({ PATH: bin, HOME: home })).toBe(google);
    const ubuntu = file(join(bin, 'chromium-browser'));
    expect(findChromium({ PATH: bin, HOME: home })).toBe(ubuntu);
    const chosen = file(join(dir, 'my', 'chrome'));
    expect(findChromium({ PATH: bin, HOME: home, CHROME_PATH: chosen })).toBe(chosen);
  });
});
