import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, PHOTOS } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

describe('a contact sheet is never a paid input', () => {
  it('stylize <folder> and a glob leave out a sheet saved beside the photos, with a note; named alone it is still an input', async () => {
    const dir = tempDir();
    const configDir = tempDir();
    mkdirSync(join(dir, 'photos'));
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(dir, 'photos', 'p00.jpg'));
    const sheet = await cli.run(['sheet', 'photos/p00.jpg', '--style', 'anime', '--offline'], { cwd: dir, configDir });
    expect(sheet.exitCode).toBe(0);
    expect(readdirSync(join(dir, 'photos')).sort()).toEqual(['p00.anime.jpg', 'p00.jpg', 'p00.sheet.jpg']);

    for (const input of ['photos/', 'photos/*.jpg']) {
      const plan = await cli.run(['stylize', input, '--style', 'all', '--offline', '--dry-run', '--json'], { cwd: dir, configDir });
      expect(plan.exitCode, input).toBe(0);
      const inputs = new Set(
        jsonLines(plan.stdout)
          .filter((line) => 'input' in line)
          .map((line) => line.input),
      );
      expect([...inputs], input).toEqual(['photos/p00.jpg']);
      expect(plan.stderr).toContain(
        'note: left out photos/p00.sheet.jpg: a contact sheet made by spark-style, not a photo (name the file itself to stylize it)',
      );
    }

    const named = await cli.run(['stylize', 'photos/p00.sheet.jpg', '--style', 'anime', '--offline', '--dry-run', '--json'], { cwd: dir, configDir });
    expect(
      jsonLines(named.stdout)
        .filter((line) => 'input' in line)
        .map((line) => [line.input, line.action]),
    ).toEqual([['photos/p00.sheet.jpg', 'create']]);
    expect(named.stderr).not.toContain('left out');
  });

  it('results saved beside the photos are left out of a folder or glob even with --out elsewhere; named alone they are inputs', async () => {
    const dir = tempDir();
    const configDir = tempDir();
    mkdirSync(join(dir, 'in'));
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(dir, 'in', 'p00.jpg'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(dir, 'in', 'p01.jpg'));
    const sheet = await cli.run(['sheet', 'in/p00.jpg', '--style', 'ghibli,marvel', '--offline', '-o', 'in/'], { cwd: dir, configDir });
    expect(sheet.exitCode).toBe(0);
    expect(readdirSync(join(dir, 'in')).sort()).toEqual(['p00.ghibli.jpg', 'p00.jpg', 'p00.marvel.jpg', 'p00.sheet.jpg', 'p01.jpg']);

    for (const input of ['in/', 'in/*.jpg']) {
      const plan = await cli.run(['stylize', input, '--style', 'clay', '--offline', '--out', 'elsewhere', '--dry-run', '--json'], { cwd: dir, configDir });
      expect(plan.exitCode, input).toBe(0);
      const planned = jsonLines(plan.stdout)
        .filter((line) => 'input' in line)
        .map((line) => [line.input, line.action]);
      expect(planned, input).toEqual([
        ['in/p00.jpg', 'create'],
        ['in/p01.jpg', 'create'],
      ]);
      for (const result of ['p00.ghibli.jpg', 'p00.marvel.jpg']) {
        expect(plan.stderr).toContain(`note: left out in/${result}: a result made by spark-style, not a photo (name the file itself to stylize it)`);
      }
    }

    const named = await cli.run(['stylize', 'in/p00.ghibli.jpg', '--style', 'clay', '--offline', '--out', 'elsewhere', '--dry-run', '--json'], {
      cwd: dir,
      configDir,
    });
    expect(
      jsonLines(named.stdout)
        .filter((line) => 'input' in line)
        .map((line) => [line.input, line.action]),
    ).toEqual([['in/p00.ghibli.jpg', 'create']]);
    expect(named.stderr).not.toContain('left out');
  });
});

describe('a photo whose name the sheet cannot draw', () => {
  it('is labelled by its place and ASCII part, and the run says which file that is', async () => {
    const dir = tempDir();
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(dir, 'bridge.jpg'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(dir, '北京 trip.jpg'));
    const result = await cli.run(['sheet', 'bridge.jpg', '北京 trip.jpg', '--style', 'anime', '--offline', '-o', 'compare.jpg'], { cwd: dir });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('on the sheet, "photo 2 (trip.jpg)" is 北京 trip.jpg');
    expect(result.stderr).not.toContain('"bridge.jpg"');
  });
});
