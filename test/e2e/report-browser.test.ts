import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'node-html-parser';
import { chromium } from 'playwright-core';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findChromium } from '../helpers/chromium.js';
import { PHOTOS } from '../helpers/cli.js';
import { commandHarness } from '../helpers/command.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The report as a person sees it, in headless Chromium (a process of its own, with a profile and
 * a HOME in temp folders); the runs that write it are in-process.
 */
const cli = commandHarness();
const KEY = 'sk-e2e-report-0123456789abcdef';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

describe('--report, opened in a real browser', () => {
  it('shows every item from file:// with no network: images load, the style filter works, the page is not blank', async () => {
    const server = await cli.emulator({ faults: { failEvery: 3, failCode: '003008096' } });
    const dir = tempDir();
    const bridge = join(dir, 'bridge.jpg');
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), bridge);
    const small = join(dir, 'small.jpg');
    writeFileSync(small, await makeImage(500, 400));
    const report = join(dir, 'out', 'report.html');
    const result = await cli.run(
      ['stylize', bridge, small, '--style', 'ghibli,marvel,clay', '--out', join(dir, 'out', 'art'), '--concurrency', '1', '--report', report],
      {
        env: { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY },
      },
    );
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`report: ${report}`);
    const text = readFileSync(report, 'utf8');
    expect(text).not.toContain(KEY);
    const root = parse(text);
    expect(root.querySelectorAll('article.item')).toHaveLength(6);
    expect(root.querySelectorAll('article.item[data-failed="true"]')).toHaveLength(4); // one failed task, three refused inputs
    expect(
      root
        .querySelectorAll('article.item .error code')
        .map((code) => code.text)
        .sort(),
    ).toEqual(['003008096', 'min-size', 'min-size', 'min-size']);
    for (const link of root.querySelectorAll('a')) expect(existsSync(join(dir, 'out', decodeURIComponent(link.getAttribute('href')!)))).toBe(true);

    const home = tempDir('spark-style-chromium-home-');
    const browser = await chromium.launchPersistentContext(tempDir('spark-style-chromium-profile-'), {
      executablePath: findChromium(),
      args: CHROMIUM_ARGS,
      viewport: { width: 1200, height: 900 },
      env: { PATH: process.env.PATH ?? '', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache') },
    });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      const problems: string[] = [];
      page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
      page.on('pageerror', (error) => problems.push(error.message));
      await page.goto(pathToFileURL(report).href);

      const sizes = await page.$$eval('img', (images) =>
        images.map((image) => (image as HTMLImageElement).complete && (image as HTMLImageElement).naturalWidth),
      );
      expect(sizes).toHaveLength(4); // two originals, two saved results
      for (const width of sizes) expect(width).toBeGreaterThan(0);
      expect(requests.filter((url) => !url.startsWith('file:') && !url.startsWith('data:'))).toEqual([]);
      expect(problems).toEqual([]);

      const visible = () => page.locator('article.item:visible').count();
      expect(await visible()).toBe(6);
      await page.selectOption('#style-filter', 'marvel');
      expect(await visible()).toBe(2);
      expect(await page.locator('article.item:visible').evaluateAll((items) => items.map((item) => item.getAttribute('data-style')))).toEqual([
        'marvel',
        'marvel',
      ]);
      expect(await page.locator('#shown').textContent()).toBe('showing 2 of 6 items');
      await page.selectOption('#style-filter', '');
      await page.check('#failures-only');
      expect(await visible()).toBe(4);
      await page.selectOption('#style-filter', 'ghibli');
      expect(await visible()).toBe(1); // the small photo's ghibli; the bridge's ghibli saved
      expect(await page.locator('section.photo:visible').count()).toBe(1);
      await page.uncheck('#failures-only');
      await page.selectOption('#style-filter', '');

      const screenshot = await page.screenshot({ fullPage: false });
      writeFileSync(join(dir, 'screenshot.png'), screenshot);
      const stats = await sharp(screenshot).stats();
      // Not blank: the thumbnails and text make the page far from one flat colour.
      expect(Math.max(...stats.channels.slice(0, 3).map((channel) => channel.stdev))).toBeGreaterThan(25);
      expect(stats.entropy).toBeGreaterThan(2);
    } finally {
      await browser.close();
    }
  });

  it('a report that cannot be written is one error line and exit 1; the results are kept', async () => {
    const dir = tempDir();
    const bridge = join(dir, 'bridge.jpg');
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), bridge);
    writeFileSync(join(dir, 'taken'), 'a file, not a folder');
    const result = await cli.run(['stylize', bridge, '--style', 'clay', '--offline', '--report', join(dir, 'taken', 'report.html')]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/^error: cannot write the report .*taken\/report\.html: .+$/m);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe(join(dir, 'bridge.clay.jpg'));
    expect(existsSync(join(dir, 'bridge.clay.jpg'))).toBe(true);
  });
});
