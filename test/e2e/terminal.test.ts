import { execa } from 'execa';
import { copyFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { shellCommand } from '../../src/core/shell-quote.js';
import { CLI, PHOTOS } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

// `script` runs the CLI on a real pseudo-terminal; `stty cols 0 rows 0` gives it no size, as
// `script` without a terminal of its own or some `docker exec -t` do.
describe('on a pseudo-terminal that reports 0 columns', () => {
  it('an offline run of 6 items shows its spinner and writes a bounded amount', async () => {
    const dir = tempDir();
    for (const photo of ['bridge_1302x953.jpg', 'hubble_1000x872.jpg']) copyFileSync(join(PHOTOS, photo), join(dir, photo));
    const run = shellCommand([process.execPath, CLI, 'stylize', dir, '--style', 'ghibli,anime,marvel', '--offline', '--out', join(dir, 'art')]);
    const result = await execa('script', ['-qfec', `stty cols 0 rows 0 && stty size && ${run}`, '/dev/null'], {
      reject: false,
      timeout: 30_000,
      extendEnv: false,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, TERM: 'xterm', SPARK_STYLE_CONFIG_DIR: tempDir('spark-style-config-') },
      stripFinalNewline: false,
    });
    expect(result.exitCode, result.stdout.slice(-2000)).toBe(0);
    expect(result.stdout.startsWith('0 0')).toBe(true);
    // The spinner ran (it draws `n/6 done`), and all of it, redraws included, stays small.
    expect(result.stdout).toContain('6/6 done');
    expect(result.stdout).toContain('saved 6, failed 0');
    expect(Buffer.byteLength(result.stdout)).toBeLessThan(200_000);
    expect(readdirSync(join(dir, 'art'))).toHaveLength(6);
  });
});
