import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';

/** Node's own modules a process loaded (process.moduleLoadList), printed as it exits. */
async function builtinsLoaded(args: string[]): Promise<string[]> {
  const preload = `process.on('exit', () => process.stderr.write('\\n@@' + JSON.stringify(process.moduleLoadList.filter((name) => name.startsWith('NativeModule ')).map((name) => name.slice(13)))));`;
  const result = await execa(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, ...args], {
    reject: false,
    env: { NO_COLOR: '1', SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9' },
    extendEnv: false,
  });
  const marker = result.stderr.lastIndexOf('@@');
  expect(marker, result.stderr).toBeGreaterThanOrEqual(0);
  return JSON.parse(result.stderr.slice(marker + 2)) as string[];
}

// build.mjs loads commander's `require('child_process')` on demand: without that, `--help`
// measured 1.19-1.20x bare node instead of 1.16x (bench part c, five runs each way).
describe('startup', () => {
  it.each([[['--help']], [['styles', '--json']]])('%j does not load child_process', async (args) => {
    const loaded = await builtinsLoaded([CLI, ...args]);
    expect(loaded).toContain('fs');
    expect(loaded).not.toContain('child_process');
  });

  it('the same trace does see child_process when something loads it', async () => {
    expect(await builtinsLoaded(['-e', "require('node:child_process')"])).toContain('child_process');
  });
});
