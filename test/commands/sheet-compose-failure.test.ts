import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PHOTOS } from '../helpers/cli.js';
import { commandHarness } from '../helpers/command.js';
import { tempDir } from '../helpers/tmp.js';

const cli = commandHarness();

const KEY = 'sk-sheet-compose-0123456789abcdef';

describe('a sheet that cannot be saved after the tasks were paid', () => {
  it('still tells the run (results, closing line, cost, --report), then the failure in one line, exit 1; the same command composes it for free', async () => {
    const dir = tempDir();
    const configDir = tempDir();
    const input = join(dir, 'bridge.jpg');
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), input);
    const sheetPath = join(dir, 'compare.jpg');
    // A real way for saving to fail once the plan has accepted -o: while the tasks run, something
    // else puts a folder where the sheet's file is to go.
    const server = await cli.emulator({ onTaskCreated: (count) => count === 1 && mkdirSync(sheetPath) });
    const env = { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY };
    const report = join(dir, 'report.html');
    const args = ['sheet', input, '--style', 'ghibli,clay', '--out', join(dir, 'art'), '-o', sheetPath, '--width', '800', '--report', report];

    const first = await cli.run(args, { env, configDir });
    expect(server.stats().tasks_created).toBe(2);
    const results = [join(dir, 'art', 'bridge.clay.jpg'), join(dir, 'art', 'bridge.ghibli.jpg')];
    expect(readdirSync(join(dir, 'art')).sort()).toEqual(['bridge.clay.jpg', 'bridge.ghibli.jpg']);
    expect(first.stdout.split('\n').sort()).toEqual(results);
    const lines = first.stderr.split('\n');
    const closing = lines.findIndex((line) => line.startsWith('saved 2, failed 0 · 2 tasks created · $0.0600 · '));
    const reported = lines.indexOf(`report: ${report}`);
    const failed = lines.findIndex((line) => line.startsWith('error: '));
    expect(closing, first.stderr).toBeGreaterThan(-1);
    expect(reported).toBeGreaterThan(closing);
    expect(failed).toBeGreaterThan(reported);
    expect(lines[failed]).toBe(
      `error: no sheet ${sheetPath}: it is not a regular file. The results are saved: run the same command again to compose the sheet (nothing is paid twice)`,
    );
    expect(lines.filter((line) => line.startsWith('error') || /^\s+at /.test(line))).toHaveLength(1);
    expect(first.exitCode).toBe(1);
    expect(readFileSync(report, 'utf8').match(/<article /g)).toHaveLength(2);
    expect(first.stderr).not.toContain(KEY);

    // Once the folder is moved away, the same command pays nothing and makes the sheet.
    rmdirSync(sheetPath);
    const again = await cli.run(args, { env, configDir });
    expect(again.exitCode, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/^saved 0, skipped 2, failed 0 · 0 tasks created · \$0\.0000 · /m);
    expect(server.stats().tasks_created).toBe(2);
    expect(again.stdout.split('\n').at(-1)).toBe(sheetPath);
    expect(await sharp(sheetPath).metadata()).toMatchObject({ format: 'jpeg', width: 800 });
    expect(existsSync(report)).toBe(true);
  });
});
