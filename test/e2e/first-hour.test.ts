// What a new user meets in the first hour, run as they would run it: the built CLI in a process.
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHOTOS, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

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
