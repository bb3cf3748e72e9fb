import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, PHOTOS, runCli } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';

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

// The version is defined by the build (build.mjs), so only the built CLI shows it.
describe('the built CLI', () => {
  it('prints the version from package.json', async () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const result = await runCli(['--version']);
    expect(result.stdout.trim()).toBe(version);
  });

  it.each([
    [['bogus'], "error: unknown command 'bogus'"],
    [['styles', '--bogus'], "error: unknown option '--bogus'"],
    [['check'], "error: missing required argument 'files'"],
    [['stylize', 'a.jpg', '--concurrency', 'lots'], "error: option '-c, --concurrency <n>' argument 'lots' is invalid"],
  ])('%j is a usage error: one line, a hint, exit 2', async (args, message) => {
    const result = await runCli(args);
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines[0]).toContain(message);
    expect(lines.at(-1)).toMatch(/^\(run 'spark-style (help \w+|--help)' for usage\)$/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('never loads sharp, got, conf, ora, chalk or libsql', async () => {
    const trace = join(tempDir(), 'loads.txt');
    writeFileSync(trace, '');
    const preload = fileURLToPath(new URL('../helpers/trace-loads.cjs', import.meta.url));
    const load = async (args: string[]) => {
      writeFileSync(trace, '');
      const result = await execa(process.execPath, ['--require', preload, CLI, ...args], { env: { TRACE_LOADS_FILE: trace }, reject: false });
      return { result, loaded: readFileSync(trace, 'utf8').split('\n').filter(Boolean) };
    };
    const heavy = /node_modules\/(sharp|got|conf|ora|chalk|libsql)\//;
    for (const args of [['styles', '--json'], ['--help']]) {
      const { result, loaded } = await load(args);
      expect(result.exitCode).toBe(0);
      expect(loaded.some((path) => path.endsWith('dist/cli/main.cjs'))).toBe(true);
      expect(loaded.filter((path) => heavy.test(path))).toEqual([]);
    }
    // The trace does see them when a command needs them, so the check above can fail.
    const { loaded } = await load(['check', join(PHOTOS, 'bridge_1302x953.jpg')]);
    expect(loaded.some((path) => path.includes('node_modules/sharp/'))).toBe(true);
  });

  it('reads the config file without conf: a run, or config get, loads neither conf, ajv nor when-exit; config set does', async () => {
    const trace = join(tempDir(), 'loads.txt');
    const configDir = join(tempDir(), 'spark-style');
    const preload = fileURLToPath(new URL('../helpers/trace-loads.cjs', import.meta.url));
    const writer = /node_modules\/(conf|ajv|when-exit)\//;
    const load = async (args: string[]) => {
      writeFileSync(trace, '');
      const env = { TRACE_LOADS_FILE: trace, SPARK_STYLE_CONFIG_DIR: configDir, SPARK_STYLE_API_KEY: 'sk-startup-0123456789' };
      const result = await execa(process.execPath, ['--require', preload, CLI, ...args], { env, reject: false });
      expect(result.exitCode, result.stderr).toBe(0);
      return readFileSync(trace, 'utf8')
        .split('\n')
        .filter((path) => writer.test(path));
    };
    expect((await load(['config', 'set', 'concurrency', '2'])).length).toBeGreaterThan(0);
    expect(await load(['config', 'get', 'concurrency'])).toEqual([]);
    expect(await load(['stylize', join(PHOTOS, 'bridge_1302x953.jpg'), '--style', 'clay', '--dry-run'])).toEqual([]);
  });
});
