import { copyFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PHOTOS } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

/** A folder with a WebP, a photo too small, a text file named .jpg, and a good photo. */
async function mixedFolder(): Promise<string> {
  const dir = tempDir();
  await sharp(join(PHOTOS, 'bridge_1302x953.jpg')).webp().toFile(join(dir, 'a.webp'));
  copyFileSync(join(PHOTOS, 'rocket_640x427.jpg'), join(dir, 'small.jpg'));
  writeFileSync(join(dir, 'notes.jpg'), 'shopping list: milk, eggs\n');
  copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(dir, 'good.jpg'));
  return dir;
}

/** The words of a printed command (plain words only: these tests use plain names). */
function wordsOf(hintLine: string): string[] {
  return hintLine
    .replace(/^.*?: spark-style /, '')
    .trim()
    .split(/\s+/);
}

describe('hints a person scanning the output can act on', () => {
  it('stylize --no-convert: every input --fix would repair says so on its own line; the text file says what it is', async () => {
    const dir = await mixedFolder();
    // --no-convert: without it the WebP is converted and sent (test/e2e/first-hour.test.ts).
    const result = await cli.run(['stylize', 'a.webp', 'small.jpg', 'notes.jpg', '--style', 'anime', '--offline', '--no-convert'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    // Items finish in any order (they are checked concurrently): each line is found by its file.
    const failures = result.stderr.split('\n').filter((line) => line.startsWith('✖'));
    expect(failures).toHaveLength(3);
    const failureOf = (name: string) => failures.find((line) => line.startsWith(`✖ ${name} `));
    expect(failureOf('a.webp')).toMatch(/^✖ a\.webp .*WebP.*\(--fix repairs this\)$/);
    expect(failureOf('small.jpg')).toMatch(/^✖ small\.jpg .*too small.*\(--fix repairs this\)$/);
    expect(failureOf('notes.jpg')).toMatch(/^✖ notes\.jpg .*the file is text, not an image; the API takes JPEG or PNG/);
    expect(failureOf('notes.jpg')).not.toContain('--fix repairs this');
    expect(result.stderr).not.toMatch(/sharp/);
  });

  it('check: one closing line with the full command, and that command works', async () => {
    const dir = await mixedFolder();
    const result = await cli.run(['check', 'a.webp', 'small.jpg', 'notes.jpg', 'good.jpg'], { cwd: dir });
    expect(result.exitCode).toBe(1);
    const hint = result.stderr.split('\n').find((line) => line.startsWith('hint:'))!;
    expect(hint).toBe('hint: --fix can repair 2 of these files: spark-style check a.webp small.jpg --fix --out ready/');
    const fixed = await cli.run(wordsOf(hint), { cwd: dir });
    expect(fixed.exitCode).toBe(0);
    expect(readdirSync(join(dir, 'ready')).sort()).toEqual(['a.jpg', 'small.jpg']);
  });

  it('check --fix without --out: the hint is the command that works', async () => {
    const dir = await mixedFolder();
    const result = await cli.run(['check', 'a.webp', '--fix'], { cwd: dir });
    expect(result.exitCode).toBe(2);
    const hint = result.stderr.split('\n').find((line) => line.startsWith('hint:'))!;
    expect(hint).toBe('hint: spark-style check a.webp --fix --out ready/');
    const fixed = await cli.run(wordsOf(hint.replace('hint: ', 'hint: x: ')), { cwd: dir });
    expect(fixed.exitCode).toBe(0);
    expect(readdirSync(join(dir, 'ready'))).toEqual(['a.jpg']);
  });
});
