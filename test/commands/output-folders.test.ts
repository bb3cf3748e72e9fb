import { copyFileSync, existsSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { CLI, PHOTOS } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { makeFolder } from '../../src/core/make-folder.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-e2e-folders-0123456789abcdef';
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });

function photo(dir: string, name = 'p.jpg'): string {
  const path = join(dir, name);
  copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), path);
  return path;
}

function oneLineError(stderr: string, expected: string): void {
  const errors = stderr.split('\n').filter((line) => line.startsWith('error:'));
  expect(errors).toEqual([expected]);
  expect(stderr).not.toMatch(/ENOENT|EEXIST|\n\s+at /);
}

// Node 20's recursive mkdir never returns under /proc: a hang shows as a timeout, not a stuck suite.
describe('a folder that cannot be made', { timeout: 20_000 }, () => {
  it('stylize --out /proc/nope: one line, exit 2, nothing sent (it used to loop forever at full CPU)', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const result = await cli.run(['stylize', photo(dir), '--style', 'anime', '--out', '/proc/nope'], { env: against(server.url) });
    expect(result.exitCode).toBe(2);
    oneLineError(result.stderr, 'error: cannot create /proc/nope: /proc does not take new folders; nothing was sent');
    expect(server.stats().creates_received).toBe(0);
  });

  it('check --fix --out /proc/nope2: one line, exit 2', async () => {
    const dir = tempDir();
    const result = await cli.run(['check', photo(dir), '--fix', '--out', '/proc/nope2']);
    expect(result.exitCode).toBe(2);
    oneLineError(result.stderr, 'error: cannot create /proc/nope2: /proc does not take new folders');
  });

  it('sheet -o /proc/nope3/s.jpg: refused before paying, not after', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const result = await cli.run(['sheet', photo(dir), '--style', 'anime', '--out', join(dir, 'art'), '-o', '/proc/nope3/s.jpg'], {
      env: against(server.url),
    });
    expect(result.exitCode).toBe(2);
    oneLineError(result.stderr, 'error: cannot create /proc/nope3: /proc does not take new folders; nothing was sent');
    expect(server.stats().creates_received).toBe(0);
  });

  it('a dangling link as --out, and a folder under it, each get one clear line', async () => {
    const dir = tempDir();
    const input = photo(dir);
    symlinkSync(join(dir, 'gone'), join(dir, 'dang'));
    writeFileSync(join(dir, 'afile'), 'x');
    const cases: [string, string][] = [
      ['dang', `error: cannot create dang: it is a link to ${join(dir, 'gone')}, which does not exist; nothing was sent`],
      ['dang/sub', `error: cannot create dang/sub: dang is a link to ${join(dir, 'gone')}, which does not exist; nothing was sent`],
      ['afile', 'error: cannot create afile: it is a file, not a folder; nothing was sent'],
      ['afile/sub', 'error: cannot create afile/sub: afile is a file, not a folder; nothing was sent'],
    ];
    for (const [out, expected] of cases) {
      const result = await cli.run(['stylize', input, '--style', 'anime', '--offline', '--out', out], { cwd: dir });
      expect(result.exitCode, out).toBe(2);
      oneLineError(result.stderr, expected);
    }
  });

  it('a state folder (SPARK_STYLE_CONFIG_DIR) that cannot be made: one line, exit 2', async () => {
    const result = await cli.run(['config', 'set', 'default-style', 'ghibli'], { configDir: '/proc/nope-config' });
    expect(result.exitCode).toBe(2);
    oneLineError(result.stderr, 'error: cannot create /proc/nope-config: /proc does not take new folders');
  });

  it('makeFolder makes missing parents and accepts a folder that exists', async () => {
    const dir = tempDir();
    await makeFolder(join(dir, 'a', 'b', 'c'));
    await makeFolder(join(dir, 'a', 'b', 'c'));
    expect(existsSync(join(dir, 'a', 'b', 'c'))).toBe(true);
  });
});

describe('sheet -o', () => {
  it('a folder (trailing slash) takes the sheet under its default name, with the results', async () => {
    const dir = tempDir();
    photo(dir);
    const result = await cli.run(['sheet', 'p.jpg', '--style', 'anime,marvel', '--offline', '-o', 'shx/'], { cwd: dir });
    expect(result.stderr).not.toMatch(/error/);
    expect(result.exitCode).toBe(0);
    expect(readdirSync(join(dir, 'shx')).sort()).toEqual(['p.anime.jpg', 'p.marvel.jpg', 'p.sheet.jpg']);
    expect(readdirSync(dir).sort()).toEqual(['p.jpg', 'shx']);
  });

  it('another extension than .jpg/.jpeg is a usage error before anything is sent', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const result = await cli.run(['sheet', photo(dir), '--style', 'anime', '-o', join(dir, 'sh.png')], { env: against(server.url) });
    expect(result.exitCode).toBe(2);
    oneLineError(result.stderr, `error: -o ${join(dir, 'sh.png')}: the sheet is a JPEG, so its name must end in .jpg or .jpeg`);
    expect(server.stats().creates_received).toBe(0);
    expect(existsSync(join(dir, 'sh.png'))).toBe(false);
  });
});

describe('a write that fails (a full disk)', () => {
  it('leaves no temp file behind, and says which file could not be written', async () => {
    // A file-size limit of 1 KB makes every write of a photo fail (EFBIG), as a full disk does.
    const dir = tempDir();
    const inputs = [photo(dir, 'a.jpg'), photo(dir, 'b.jpg')];
    const out = join(dir, 'ready');
    const script = `ulimit -f 1; exec "${process.execPath}" "${CLI}" check --fix --out "${out}" "${inputs[0]}" "${inputs[1]}"`;
    const result = await execa('bash', ['-c', script], { reject: false, env: { ...process.env, NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: tempDir() } });
    expect(result.exitCode).toBe(1);
    expect(readdirSync(out)).toEqual([]);
    expect(result.stdout.split('\n')).toEqual([
      `${inputs[0]}: cannot write ${join(out, 'a.jpg')}: the file is too large for this file system or its limits (EFBIG)`,
      `${inputs[1]}: cannot write ${join(out, 'b.jpg')}: the file is too large for this file system or its limits (EFBIG)`,
    ]);
  });
});
