import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PHOTOS } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const WRONG = 'sk-wrong-key-0123456789abcdef';

describe('a refused key (401)', () => {
  it('says so once, and the hint points where the key came from', async () => {
    const server = await cli.emulator({ key: 'the-right-key-123' });
    const dir = tempDir();
    const photo = join(dir, 'p.jpg');
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), photo);
    const base = { SPARK_STYLE_BASE_URL: server.url };

    const configDir = tempDir();
    expect((await cli.run(['config', 'set', 'api-key', '-'], { configDir, input: `${WRONG}\n` })).exitCode).toBe(0);
    const cases: [string, string[], Record<string, string>, string | undefined, string][] = [
      [
        '--api-key',
        ['--api-key', WRONG],
        base,
        undefined,
        'hint: the key given with --api-key was refused: check it, or make a new key in the Vtrix console if it was revoked',
      ],
      [
        'env',
        [],
        { ...base, SPARK_STYLE_API_KEY: WRONG },
        undefined,
        'hint: the key in $SPARK_STYLE_API_KEY was refused (it takes precedence over the saved one): check it, or unset it to use the saved key',
      ],
      [
        'config',
        [],
        base,
        configDir,
        'hint: the saved key was refused: see it with spark-style config list; set a new one with spark-style config set api-key -',
      ],
    ];
    for (const [label, flags, env, config, hint] of cases) {
      const result = await cli.run(['stylize', photo, '--style', 'anime', ...flags], { env, configDir: config });
      expect(result.exitCode, label).toBe(3);
      const lines = result.stderr.split('\n').map((line) => line.trim());
      const error = lines.find((line) => line.includes('HTTP 401'));
      expect(error, label).toMatch(/HTTP 401: Invalid or missing API key$/);
      expect(lines, `${label}: ${result.stderr}`).toContain(hint);
      expect(result.stderr + result.stdout).not.toContain(WRONG);
    }
  });
});
