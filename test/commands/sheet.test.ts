import { execa } from 'execa';
import { copyFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CLI, jsonLines, PHOTOS } from '../helpers/cli.js';
import { heldCreates } from '../helpers/held-creates.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-e2e-sheet-0123456789abcdef';
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });

function photo(dir: string, name = 'bridge.jpg', source = 'bridge_1302x953.jpg'): string {
  const path = join(dir, name);
  copyFileSync(join(PHOTOS, source), path);
  return path;
}

/** Share of dark pixels in the label band under each tile of a one-photo sheet. */
async function labelInk(sheet: string, bands: { top: number; height: number }[]): Promise<number[]> {
  const { data, info } = await sharp(sheet).greyscale().raw().toBuffer({ resolveWithObject: true });
  return bands.map(({ top, height }) => {
    let dark = 0;
    for (let y = top; y < top + height; y++) for (let x = 0; x < info.width; x++) if (data[y * info.width + x]! < 110) dark++;
    return dark / (height * info.width);
  });
}

describe('spark-style sheet', () => {
  it('stylizes one photo, keeps the results, composes the sheet, and pays for nothing twice', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const input = photo(dir);
    const configDir = tempDir();
    const sheetPath = join(dir, 'bridge.sheet.jpg');
    const args = ['sheet', input, '--style', 'ink-wash,marvel,chinese-red', '--out', join(dir, 'art'), '-o', sheetPath, '--width', '1200', '--json'];
    const first = await cli.run(args, { env: against(server.url), configDir });
    expect(first.stderr).not.toMatch(/error|warn/i);
    expect(first.exitCode).toBe(0);
    const lines = jsonLines(first.stdout);
    expect(lines.at(-2)).toMatchObject({ summary: { saved: 3, tasks_created: 3 } });
    expect(lines.at(-1)).toMatchObject({ sheet: { path: sheetPath, width: 1200, photos: 1, styles: 3, missing: 0 } });
    expect(readdirSync(join(dir, 'art')).sort()).toEqual(['bridge.chinese-red.jpg', 'bridge.ink-wash.jpg', 'bridge.marvel.jpg']);
    const meta = await sharp(sheetPath).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 1200 });
    expect(server.stats().tasks_created).toBe(3);

    // Again: the results are reused, no task is created, and the earlier sheet is replaced in place.
    const again = await cli.run(args, { env: against(server.url), configDir });
    expect(again.exitCode).toBe(0);
    expect(jsonLines(again.stdout).at(-2)).toMatchObject({ summary: { skipped: 3, tasks_created: 0 } });
    expect(server.stats().tasks_created).toBe(3);
    expect(readdirSync(dir).filter((name) => name.includes('sheet'))).toEqual(['bridge.sheet.jpg']);
  });

  it('several photos: one row each, failures as "no result" tiles, exit 1, results beside the sheet', async () => {
    const server = await cli.emulator({ faults: { failEvery: 4, failCode: '003008096' } });
    const dir = tempDir();
    const inputs = [photo(dir, 'a.jpg'), photo(dir, 'b.jpg', 'hubble_1000x872.jpg')];
    const out = join(dir, 'compare');
    const result = await cli.run(
      [
        'sheet',
        ...inputs,
        '--style',
        'ghibli,watercolor,clay',
        '-o',
        join(out, 'compare.jpg'),
        '--concurrency',
        '1',
        '--width',
        '1000',
        '--report',
        join(out, 'report.html'),
      ],
      { env: against(server.url) },
    );
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines.at(-1)).toBe(join(out, 'compare.jpg'));
    expect(result.stderr).toMatch(/sheet: .*compare\.jpg \(1000x\d+, [\d.]+ MB, [\d.]+ s; 1 without a result\)/);
    expect(readdirSync(out).filter((name) => name.endsWith('.jpg') && !name.startsWith('compare'))).toHaveLength(5);
    expect((await sharp(join(out, 'compare.jpg')).metadata()).width).toBe(1000);
    const report = readFileSync(join(out, 'report.html'), 'utf8');
    expect(report.match(/<article /g)).toHaveLength(6);
    expect(report).toContain('003008096');
    expect(report).not.toContain(KEY);
  });

  it('--dry-run and --max-tasks send nothing and compose nothing', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const input = photo(dir);
    const dry = await cli.run(['sheet', input, '--style', 'all', '--dry-run', '-o', join(dir, 's.jpg')], { env: against(server.url) });
    expect(dry.exitCode).toBe(0);
    expect(dry.stderr).toContain('22 tasks would be created');
    expect(dry.stderr).toContain('dry run: no sheet composed');
    const capped = await cli.run(['sheet', input, '--style', 'all', '--max-tasks', '5', '-o', join(dir, 's.jpg')], { env: against(server.url) });
    expect(capped.exitCode).toBe(2);
    expect(capped.stderr).toContain('more than --max-tasks 5');
    expect(server.stats().creates_received).toBe(0);
    expect(existsSync(join(dir, 's.jpg'))).toBe(false);
  });

  it('after Ctrl-C composes no sheet, and the same command collects the tasks and composes it', async () => {
    // Interrupted with two creates answered only after the run was told to stop.
    const creates = heldCreates(2);
    const server = await cli.emulator({ latencyMs: 2500, beforeCreateAnswer: creates.hook });
    const dir = tempDir();
    const input = photo(dir);
    const configDir = tempDir();
    const args = ['sheet', input, '--style', 'ghibli,clay,doll', '--concurrency', '2'];
    const env = { ...against(server.url), SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH };
    const first = cli.run(args, { env });
    await creates.allHeld;
    first.kill('SIGINT');
    await first.untilStderr(/stopping: no new tasks/);
    creates.release();
    const interrupted = await first;
    expect(interrupted.exitCode).toBe(130);
    expect(interrupted.stderr).toContain('no sheet: the run was interrupted');
    expect(existsSync(join(dir, 'bridge.sheet.jpg'))).toBe(false);

    const again = await cli.run(args, { env });
    expect(again.exitCode).toBe(0);
    expect(server.stats().tasks_created).toBe(3);
    expect(again.stdout.split('\n').at(-1)).toBe(join(dir, 'bridge.sheet.jpg'));
  });

  it('draws its labels the same on a machine with no fonts at all', async () => {
    const dir = tempDir();
    const input = photo(dir);
    // A fontconfig setup that knows no font folder: what a bare container looks like.
    const fontsConf = join(dir, 'fonts.conf');
    writeFileSync(
      fontsConf,
      `<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig><cachedir>${join(dir, 'fc-cache')}</cachedir></fontconfig>`,
    );
    const noFonts = { FONTCONFIG_FILE: fontsConf, FONTCONFIG_PATH: dir };

    // First show that this environment really has no fonts: SVG <text> changes there (to "tofu" boxes).
    const probe =
      'require(\'sharp\')(Buffer.from(\'<svg xmlns="http://www.w3.org/2000/svg" width="300" height="60"><rect width="300" height="60" fill="#fff"/><text x="5" y="45" font-size="40">Hello</text></svg>\')).greyscale().raw().toBuffer().then((b) => console.log(b.toString(\'base64\')))';
    const svgText = async (env: Record<string, string>) =>
      (await execa(process.execPath, ['-e', probe], { cwd: ROOT, env: { PATH: process.env.PATH!, HOME: process.env.HOME!, ...env }, extendEnv: false })).stdout;
    expect(await svgText(noFonts)).not.toBe(await svgText({}));

    const sheets = [];
    for (const env of [{}, noFonts]) {
      const out = join(dir, Object.keys(env).length ? 'bare' : 'fonts');
      const result = await cli.run(['sheet', input, '--style', 'ghibli,ink-wash', '--offline', '--out', out, '--width', '900', '--columns', '3', '--quiet'], {
        env,
      });
      expect(result.exitCode).toBe(0);
      sheets.push(join(out, 'bridge.sheet.jpg'));
    }
    // The sheets match pixel for pixel (the tiles are the emulator's, deterministic) ...
    const [withFonts, without] = await Promise.all(sheets.map((path) => sharp(path).raw().toBuffer()));
    expect(without!.equals(withFonts!)).toBe(true);
    // ... and the label band under each tile holds text.
    const { height } = await sharp(sheets[1]!).metadata();
    const tileHeight = Math.round((900 - 4 * 9) / 3 / (1302 / 953));
    const ink = await labelInk(sheets[1]!, [{ top: 9 + tileHeight + 2, height: Math.min(40, height! - tileHeight - 12) }]);
    expect(ink[0]).toBeGreaterThan(0.01);
  });

  it('has help with examples', async () => {
    const help = await cli.run(['sheet', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('$ spark-style sheet photo.jpg --style all -o photo.sheet.jpg');
    expect(help.stdout).toContain('--columns <n>');
    expect(readFileSync(CLI, 'utf8')).toContain('spark-style');
  });
});
