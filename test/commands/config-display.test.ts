import { describe, expect, it } from 'vitest';

import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

// runCli points every run at a dead loopback port through SPARK_STYLE_BASE_URL; these tests look at the default.
const noBaseUrl = { SPARK_STYLE_BASE_URL: undefined };

describe('config shows the values in effect', () => {
  it('list: every key with its value and where it comes from (default, config, environment)', async () => {
    const configDir = tempDir();
    const fresh = await cli.run(['config', 'list'], { configDir, env: noBaseUrl });
    expect(fresh.exitCode).toBe(0);
    const lines = fresh.stdout.split('\n');
    expect(lines).toContainEqual(expect.stringMatching(/^concurrency +4 +\(default\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^base-url +https:\/\/cloud\.vtrix\.ai +\(default\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^name-template +\{dir\}\/\{stem\}\.\{style\}\.\{ext\} +\(default\)$/));
    expect(lines).toContainEqual(expect.stringMatching(/^default-style +\(not set: stylize needs --style\)$/));
    expect(fresh.stdout).not.toMatch(/^concurrency +\(not set\)/m);

    expect((await cli.run(['config', 'set', 'concurrency', '8'], { configDir })).exitCode).toBe(0);
    const changed = await cli.run(['config', 'list'], { configDir, env: { SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9' } });
    expect(changed.stdout).toMatch(/^concurrency +8 +\(config\)$/m);
    expect(changed.stdout).toMatch(/^base-url +http:\/\/127\.0\.0\.1:9 +\(environment: SPARK_STYLE_BASE_URL\)$/m);
    const json = JSON.parse((await cli.run(['config', 'list', '--json'], { configDir, env: noBaseUrl })).stdout);
    expect(json.effective).toMatchObject({ concurrency: { value: '8', source: 'config' }, 'base-url': { value: 'https://cloud.vtrix.ai', source: 'default' } });
    expect(json.values).toMatchObject({ concurrency: '8', 'base-url': null });
  });

  it('get: a default is printed with exit 0; a key with no default says why it has no value', async () => {
    const configDir = tempDir();
    const baseUrl = await cli.run(['config', 'get', 'base-url'], { configDir, env: noBaseUrl });
    expect(baseUrl.exitCode).toBe(0);
    expect(baseUrl.stdout).toBe('https://cloud.vtrix.ai');
    expect(baseUrl.stderr).toContain('base-url is not set in the config file; this is the value in effect (default)');
    expect(JSON.parse((await cli.run(['config', 'get', 'concurrency', '--json'], { configDir })).stdout)).toEqual({
      key: 'concurrency',
      value: '4',
      source: 'default',
    });
    const style = await cli.run(['config', 'get', 'default-style'], { configDir });
    expect(style.exitCode).toBe(1);
    expect(style.stderr).toContain('default-style is not set (no default: stylize needs --style)');
  });
});
