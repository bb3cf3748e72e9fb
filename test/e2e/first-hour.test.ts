// What a new user meets in the first hour, run as they would run it: the built CLI in a process.
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { PHOTOS, runCli } from '../helpers/cli.js';
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
    expect(first.stderr.split('\n').filter((line) => line.includes('converted'))).toEqual([
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
