import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { parseExif, TAG } from '../../src/image/exif.js';
import { jsonLines, PHOTOS } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-e2e-naming-0123456789';
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });

function photoIn(dir: string, name = 'bridge.jpg', sub = ''): string {
  mkdirSync(join(dir, sub), { recursive: true });
  const path = join(dir, sub, name);
  copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), path);
  return path;
}

/** The image the result host served for a task, as `status --json` points to it. */
async function served(url: string, taskId: string, configDir: string): Promise<Buffer> {
  const status = await cli.run(['status', taskId, '--json'], { env: against(url), configDir });
  return Buffer.from(await (await fetch((JSON.parse(status.stdout) as { results: string[] }).results[0]!)).arrayBuffer());
}

describe('--name', () => {
  it("'{style}/{stem}.{ext}': one folder per style, provenance added without touching a pixel, nothing paid twice", async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const photo = photoIn(dir);
    const art = join(dir, 'art');
    const configDir = tempDir();
    const args = ['stylize', photo, '--style', 'ghibli,marvel', '--out', art, '--name', '{style}/{stem}.{ext}', '--json'];
    const first = await cli.run(args, { env: against(server.url), configDir });
    expect(first.exitCode).toBe(0);
    const items = jsonLines(first.stdout).filter((line) => line.style);
    for (const alias of ['ghibli', 'marvel']) {
      const item = items.find((line) => line.style === alias)!;
      expect(item).toMatchObject({ status: 'saved', output: join(art, alias, 'bridge.jpg') });
      const saved = readFileSync(item.output as string);
      const original = await served(server.url, item.task_id as string, configDir);
      expect(saved.equals(original)).toBe(false);
      expect((await sharp(saved).raw().toBuffer()).equals(await sharp(original).raw().toBuffer())).toBe(true);
      const meta = await sharp(saved).metadata();
      expect(parseExif(meta.exif!)!.exif.get(TAG.DateTimeOriginal)!.value.toString('latin1')).toBe('2002:01:01 02:05:06\0');
      const xmp = meta.xmp!.toString('utf8');
      expect(xmp).toContain('trainedAlgorithmicMedia');
      expect(xmp).toMatch(/xmp:CreatorTool="spark-style \d+\.\d+\.\d+"/);
      expect(xmp).toContain(`task ${item.task_id as string}`);
    }
    const again = await cli.run(args, { env: against(server.url), configDir });
    expect(again.exitCode).toBe(0);
    expect(
      jsonLines(again.stdout)
        .filter((line) => line.style)
        .map((line) => line.status),
    ).toEqual(['skipped', 'skipped']);
    expect(server.stats().tasks_created).toBe(2);
  });

  it('with --recursive: a template that would merge subfolders is refused before sending; {dir} keeps them apart', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    photoIn(join(dir, 'in'), 'a.jpg', '2023');
    photoIn(join(dir, 'in'), 'a.jpg', '2024');
    const art = join(dir, 'art');
    const merged = await cli.run(['stylize', join(dir, 'in'), '-r', '--style', 'clay', '--out', art, '--name', '{style}/{stem}.{ext}'], {
      env: against(server.url),
    });
    expect(merged.exitCode).toBe(2);
    expect(merged.stderr).toMatch(/2023\/a\.jpg as clay and .*2024\/a\.jpg as clay would both be saved as .*art\/clay\/a\.\*/);
    expect(merged.stderr).toMatch(/add \{dir\}/);
    expect(merged.stderr).not.toMatch(/\n\s+at /);
    expect(server.stats().creates_received).toBe(0);
    const kept = await cli.run(['stylize', join(dir, 'in'), '-r', '--style', 'clay', '--out', art, '--name', '{style}/{dir}/{stem}.{ext}', '--quiet'], {
      env: against(server.url),
    });
    expect(kept.exitCode).toBe(0);
    expect(kept.stdout.split('\n').sort()).toEqual([join(art, 'clay', '2023', 'a.jpg'), join(art, 'clay', '2024', 'a.jpg')]);
  });

  it('a template that could leave the output folder is a usage error (exit 2), from --name or the config', async () => {
    const dir = tempDir();
    const photo = photoIn(dir);
    const escaping = await cli.run(['stylize', photo, '--style', 'clay', '--offline', '--name', '../{stem}.{ext}']);
    expect(escaping.exitCode).toBe(2);
    expect(escaping.stderr).toMatch(/--name '\.\.\/\{stem\}\.\{ext\}': "\.\." would leave the output folder/);
    const configDir = tempDir();
    const refused = await cli.run(['config', 'set', 'name-template', '/tmp/{stem}.{ext}'], { configDir });
    expect(refused.exitCode).toBe(2);
    expect((await cli.run(['config', 'set', 'name-template', '{date}/{stem}.{style}.{ext}'], { configDir })).exitCode).toBe(0);
    const byDate = await cli.run(['stylize', photo, '--style', 'clay', '--offline', '--out', join(dir, 'art'), '--quiet'], { configDir });
    expect(byDate.exitCode).toBe(0);
    expect(byDate.stdout).toBe(join(dir, 'art', '2002-01-01', 'bridge.clay.jpg'));
  });

  it('{task}: named by the task id, and a second run finds it done', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const photo = photoIn(dir);
    const configDir = tempDir();
    const args = ['stylize', photo, '--style', 'anime', '--name', '{stem}.{style}.{task}.{ext}', '--json'];
    const [item] = jsonLines((await cli.run(args, { env: against(server.url), configDir })).stdout);
    expect(item!.output).toBe(join(dir, `bridge.anime.${item!.task_id as string}.jpg`));
    const [again] = jsonLines((await cli.run(args, { env: against(server.url), configDir })).stdout);
    expect(again).toMatchObject({ status: 'skipped', output: item!.output });
    expect(server.stats().tasks_created).toBe(1);
  });
});

describe('results among the inputs', () => {
  it('stylizing a folder again does not take the results saved beside the photos for new photos', async () => {
    const dir = tempDir();
    photoIn(dir);
    const configDir = tempDir();
    const first = await cli.run(['stylize', dir, '--style', 'ghibli', '--offline', '--json'], { configDir });
    expect(jsonLines(first.stdout)[0]).toMatchObject({ status: 'saved' });
    const again = await cli.run(['stylize', dir, '--style', 'ghibli,marvel', '--offline', '--json'], { configDir });
    const lines = jsonLines(again.stdout).filter((line) => line.style);
    expect(lines.map((line) => [basename(line.input as string), line.style, line.status]).sort()).toEqual([
      ['bridge.jpg', 'ghibli', 'skipped'],
      ['bridge.jpg', 'marvel', 'saved'],
    ]);
    expect(readdirSync(dir).sort()).toEqual(['bridge.ghibli.jpg', 'bridge.jpg', 'bridge.marvel.jpg']);
  });
});

describe('results are never lost to their name', () => {
  it('an input named with 83 CJK characters (249 bytes): the task is created and the result saved under a name that fits', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const name = `${'漢'.repeat(83)}.jpg`;
    const photo = photoIn(dir, name);
    const configDir = tempDir();
    const result = await cli.run(['stylize', photo, '--style', 'watercolor', '--json'], { env: against(server.url), configDir });
    expect(result.exitCode).toBe(0);
    const [item] = jsonLines(result.stdout);
    expect(item).toMatchObject({ status: 'saved' });
    const saved = basename(item!.output as string);
    expect(Buffer.byteLength(saved)).toBeLessThanOrEqual(255);
    expect(saved).toMatch(/^漢+~[0-9a-f]{6}\.watercolor\.jpg$/);
    expect(readdirSync(dir).sort()).toEqual([name, saved].sort());
    expect(server.stats().tasks_created).toBe(1);
    const again = await cli.run(['stylize', photo, '--style', 'watercolor', '--json'], { env: against(server.url), configDir });
    expect(jsonLines(again.stdout)[0]).toMatchObject({ status: 'skipped', output: item!.output });
    expect(server.stats().tasks_created).toBe(1);
  });

  it('after a timeout, the printed status --save command saves the CJK-named result under the same fitted name', async () => {
    const server = await cli.emulator({ latencyMs: 1500 });
    const dir = tempDir();
    const photo = photoIn(dir, `${'漢'.repeat(83)}.jpg`);
    const configDir = tempDir();
    const started = await cli.run(['stylize', photo, '--style', 'monet', '--timeout', '0.3s'], { env: against(server.url), configDir });
    expect(started.exitCode).toBe(124);
    const command = /spark-style (status \S+ --wait --save \S+)/.exec(started.stderr)![1]!.split(' ');
    const saved = await cli.run([...command, '--json'], { env: against(server.url), configDir });
    expect(saved.exitCode).toBe(0);
    const [path] = (JSON.parse(saved.stdout) as { saved: string[] }).saved;
    expect(path).toMatch(/\/漢+~[0-9a-f]{6}\.monet\.jpg$/);
    expect(Buffer.byteLength(basename(path!))).toBeLessThanOrEqual(255);
    expect((await sharp(path!).metadata()).xmp!.toString()).toContain('trainedAlgorithmicMedia');
    expect(server.stats().tasks_created).toBe(1);
  });

  it.each([[[]], [['--overwrite']]])('a folder where the result should go: refused before paying %j, the folder untouched', async (extra) => {
    const server = await cli.emulator();
    const dir = tempDir();
    const photo = photoIn(dir);
    mkdirSync(join(dir, 'bridge.ghibli.jpg'));
    const result = await cli.run(['stylize', photo, '--style', 'ghibli', '--json', ...extra], { env: against(server.url) });
    expect(result.exitCode).toBe(1);
    const [item] = jsonLines(result.stdout);
    expect(item).toMatchObject({ status: 'failed', error: { code: 'output-blocked' } });
    expect((item!.error as { message: string }).message).toMatch(/bridge\.ghibli\.jpg: a folder is where the result would be saved; nothing was sent/);
    expect(server.stats().creates_received).toBe(0);
    expect(readdirSync(join(dir, 'bridge.ghibli.jpg'))).toEqual([]);
  });

  it('a folder that appears after the task was paid, with --overwrite: the result is saved as <task id>.jpg, and the line says so', async () => {
    const dir = tempDir();
    const photo = photoIn(dir);
    const server = await cli.emulator({ onTaskCreated: () => mkdirSync(join(dir, 'bridge.ghibli.jpg')) });
    const result = await cli.run(['stylize', photo, '--style', 'ghibli', '--overwrite', '--json'], { env: against(server.url) });
    expect(result.exitCode).toBe(0);
    const [item] = jsonLines(result.stdout);
    expect(item).toMatchObject({ status: 'saved', output: join(dir, `${item!.task_id as string}.jpg`) });
    expect((await sharp(item!.output as string).metadata()).format).toBe('jpeg');
    expect(result.stderr).toMatch(/could not save it as .*bridge\.ghibli\.jpg \(EISDIR\); saved it as .*\.jpg instead/);
    expect(readdirSync(join(dir, 'bridge.ghibli.jpg'))).toEqual([]);
  });

  it('a .bin result from an earlier run counts as done: nothing is downloaded again', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const photo = photoIn(dir);
    copyFileSync(photo, join(dir, 'bridge.ghibli.bin'));
    const result = await cli.run(['stylize', photo, '--style', 'ghibli', '--json'], { env: against(server.url) });
    expect(jsonLines(result.stdout)[0]).toMatchObject({ status: 'skipped', output: join(dir, 'bridge.ghibli.bin') });
    expect(server.stats().creates_received).toBe(0);
    expect(existsSync(join(dir, 'bridge.ghibli.jpg'))).toBe(false);
  });
});
