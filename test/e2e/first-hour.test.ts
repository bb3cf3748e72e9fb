// What a new user meets in the first hour, run as they would run it: the built CLI in a process.
import { chmodSync, copyFileSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { CLI, PHOTOS, runCli } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-first-hour-0123456789';
const HEIC = fileURLToPath(new URL('../fixtures/gradient_900x700.heic', import.meta.url));

describe('phone photos just work', () => {
  it('stylizes a HEIC and a WebP without --fix, one note per input, and a second run pays nothing', async () => {
    const server = await emulator({ latencyMs: 50 });
    const dir = tempDir();
    const heic = join(dir, 'IMG_0001.heic');
    copyFileSync(HEIC, heic);
    const webp = join(dir, 'shot.webp');
    writeFileSync(webp, await makeImage(1000, 800, 'webp'));
    const configDir = tempDir();
    const env = { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY };
    const args = ['stylize', heic, webp, '--style', 'anime,clay', '--out', join(dir, 'art')];

    const first = await runCli(args, { env, configDir });
    expect(first.exitCode).toBe(0);
    expect(server.stats().tasks_created).toBe(4);
    // One note per input, in the order the inputs finish preparing (concurrent): compared as a set.
    expect(
      first.stderr
        .split('\n')
        .filter((line) => line.includes('converted'))
        .sort(),
    ).toEqual([
      `${heic}: converted HEIC to JPEG for the API (the original is not changed; --no-convert refuses instead)`,
      `${webp}: converted WebP to JPEG for the API (the original is not changed; --no-convert refuses instead)`,
    ]);
    expect((await sharp(join(dir, 'art', 'IMG_0001.anime.jpg')).metadata()).format).toBe('jpeg');

    // The item key is the original's bytes: with the results gone, the ledger still knows these
    // four items (converted again, byte for byte or not) and creates nothing new.
    rmSync(join(dir, 'art'), { recursive: true });
    const again = await runCli(args, { env, configDir });
    expect(again.exitCode).toBe(0);
    expect(server.stats().tasks_created).toBe(4);
  });

  it('a small photo with --style all --fix says "upscaled" twice (what changed, the warning), not once per style', async () => {
    const server = await emulator({ latencyMs: 20 });
    const dir = tempDir();
    const small = join(dir, 'small.jpg');
    writeFileSync(small, await makeImage(400, 300));
    const result = await runCli(['stylize', small, '--style', 'all', '--fix', '--out', join(dir, 'art'), '--concurrency', '8'], {
      env: { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY },
    });
    expect(result.exitCode).toBe(0);
    expect(server.stats().tasks_created).toBe(22);
    expect(result.stderr.split('\n').filter((line) => line.includes('upscaled'))).toHaveLength(2);
  });
});

describe('a service that was never reached', () => {
  it('fails the run with exit 4 and one line naming the URL and `spark-style doctor`, without retrying', async () => {
    const dir = tempDir();
    const photo = join(dir, 'bridge.jpg');
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), photo);
    // runCli points the CLI at http://127.0.0.1:9, where nothing listens.
    const result = await runCli(['stylize', photo, '--style', 'marvel', '--out', join(dir, 'art')], {
      env: { SPARK_STYLE_API_KEY: 'sk-first-hour-0123456789' },
    });
    expect(result.exitCode).toBe(4);
    const lines = result.stderr.split('\n').filter((line) => line.includes('127.0.0.1:9'));
    expect(lines).toEqual([
      `✖ ${photo} (marvel): cannot reach http://127.0.0.1:9: connection refused; check --base-url and your network, or run \`spark-style doctor\``,
    ]);
    expect(result.stderr).not.toContain('retrying');
  });
});

/** Commands that serve until stopped: their examples are not one-shot runs. */
const SERVERS = new Set(['emulator', 'mcp', 'watch']);

describe('try it from anywhere', () => {
  it('every --offline example of every --help runs as written from an empty folder', { timeout: 180_000 }, async () => {
    const top = (await runCli(['--help'])).stdout;
    const commands = [...top.matchAll(/^ {2}([a-z]+) (?:\[options\]|<|\[command\])/gm)].map((match) => match[1]!).filter((name) => name !== 'help');
    expect(commands).toContain('stylize');
    const helps = [top, ...(await Promise.all(commands.filter((name) => !SERVERS.has(name)).map(async (name) => (await runCli([name, '--help'])).stdout)))];
    const examples = [...new Set(helps.flatMap((help) => [...help.matchAll(/^\s+\$ (spark-style .*--offline.*)$/gm)].map((match) => match[1]!)))];
    expect(examples).toEqual(expect.arrayContaining(['spark-style stylize sample:bridge --style marvel --offline', 'spark-style doctor --offline']));

    // `spark-style` on PATH, as after `npm install -g`; each example run by the shell, as typed.
    const bin = tempDir();
    writeFileSync(join(bin, 'spark-style'), `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`);
    chmodSync(join(bin, 'spark-style'), 0o755);
    for (const example of examples) {
      const cwd = tempDir();
      const result = await execa('sh', ['-c', example], {
        cwd,
        reject: false,
        extendEnv: false,
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          HOME: process.env.HOME,
          NO_COLOR: '1',
          SPARK_STYLE_CONFIG_DIR: tempDir(),
          SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9',
        },
      });
      expect({ example, exitCode: result.exitCode, stderr: result.exitCode === 0 ? '' : result.stderr }).toEqual({ example, exitCode: 0, stderr: '' });
      // Results land in the folder it was run from (or its --out), never inside the package.
      if (/^spark-style (stylize|sheet) /.test(example)) expect(readdirSync(cwd).length).toBeGreaterThan(0);
    }
    expect(existsSync(join(PHOTOS, 'bridge_1302x953.marvel.jpg'))).toBe(false);
  });
});
