import { execa } from 'execa';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI, jsonLines, PHOTOS, runCli } from '../helpers/cli.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

describe('help and usage', () => {
  it('prints help with examples and the exit codes', async () => {
    const result = await runCli(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: spark-style');
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('124  timed out waiting');
  });

  it.each(['stylize', 'styles', 'check', 'status', 'config', 'emulator'])('help %s has examples', async (command) => {
    const result = await runCli(['help', command]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Usage: spark-style ${command}`);
    expect(result.stdout).toMatch(/Examples:\n {2}\$ spark-style/);
  });

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

  it('an unknown style is a usage error with a suggestion', async () => {
    const result = await runCli(['stylize', join(PHOTOS, 'bridge_1302x953.jpg'), '--style', 'watercolour', '--dry-run']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('unknown style "watercolour" (did you mean "watercolor"?)');
  });
});

describe('styles', () => {
  it('--json lists the 22 styles with null sub_req_key where there is none', async () => {
    const result = await runCli(['styles', '--json']);
    expect(result.exitCode).toBe(0);
    const styles = JSON.parse(result.stdout) as { alias: string; name: string; req_key: string; sub_req_key: string | null }[];
    expect(styles).toHaveLength(22);
    // A fresh config folder has no ledger: no price is known, none is invented.
    expect(styles[0]).toEqual({
      alias: 'ghibli',
      name: 'Influencer Anime Style',
      req_key: 'img2img_ghibli_style_usage',
      sub_req_key: null,
      price_usd: null,
      price_basis: null,
    });
    expect(styles.find((style) => style.alias === 'marvel')).toEqual({
      alias: 'marvel',
      name: 'Exquisite Marvel',
      req_key: 'img2img_comic_style_usage',
      sub_req_key: 'img2img_comic_style_marvel',
      price_usd: null,
      price_basis: null,
    });
  });

  it('prints tab-separated rows without a header into a pipe, aliases only with --quiet', async () => {
    const table = await runCli(['styles']);
    expect(table.stdout.split('\n')[0]).toBe('ghibli\tInfluencer Anime Style\timg2img_ghibli_style_usage\t-\t-');
    expect((await runCli(['styles', '--quiet'])).stdout.split('\n')).toHaveLength(22);
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
});

describe('check', () => {
  it('exits 0 when every file passes and 1 when any fails, one line per file', async () => {
    const ok = await runCli(['check', join(PHOTOS, 'bridge_1302x953.jpg'), join(PHOTOS, 'hubble_1000x872.jpg')]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(2);
    const bad = await runCli(['check', join(PHOTOS, 'bridge_1302x953.jpg'), join(PHOTOS, 'rocket_640x427.jpg')]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('rocket_640x427.jpg: min-size: 640x427 is too small');
  });

  it('--json prints one object per line, and reports folders and missing files per file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'album'));
    writeFileSync(join(dir, 'fake.jpg'), await makeImage(1000, 800, 'webp'));
    const result = await runCli(['check', '--json', join(PHOTOS, 'bridge_1302x953.jpg'), join(dir, 'album'), join(dir, 'missing.png'), join(dir, 'fake.jpg')]);
    expect(result.exitCode).toBe(1);
    const [bridge, album, missing, fake] = jsonLines(result.stdout);
    expect(bridge).toEqual({
      file: join(PHOTOS, 'bridge_1302x953.jpg'),
      ok: true,
      format: 'jpeg',
      width: 1302,
      height: 953,
      bytes: 191674,
      errors: [],
      fixable: false,
      convertible: false,
    });
    expect(fake).toMatchObject({ fixable: true, convertible: true });
    expect(album).toMatchObject({ ok: false, errors: [{ rule: 'regular-file' }] });
    expect(missing).toMatchObject({ ok: false, errors: [{ rule: 'readable', message: 'no such file' }] });
    expect(fake).toMatchObject({ ok: false, format: 'webp', errors: [{ rule: 'format' }] });
    expect(result.stderr).toBe('');
  });
});

describe('config', () => {
  const key = 'sk-live-0123456789abcdefghij';

  it('stores the key in a 0600 file and only ever shows it masked', async () => {
    const configDir = join(tempDir(), 'profile');
    const set = await runCli(['config', 'set', 'api-key', '-'], { configDir, input: `${key}\n` });
    expect(set.exitCode).toBe(0);
    const file = join(configDir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))['api-key']).toBe(key);

    const get = await runCli(['config', 'get', 'api-key'], { configDir });
    expect(get.stdout.trim()).toBe('sk-****ghij');
    const list = await runCli(['config', 'list', '--json'], { configDir });
    expect(JSON.parse(list.stdout)).toMatchObject({ values: { 'api-key': 'sk-****ghij' }, api_key_source: 'config' });
    for (const output of [set, get, list]) expect(output.stdout + output.stderr).not.toContain(key);
  });

  it('sets, gets and unsets the other keys, validating values', async () => {
    const configDir = tempDir();
    expect((await runCli(['config', 'set', 'default-style', 'Ghibli'], { configDir })).exitCode).toBe(0);
    expect((await runCli(['config', 'get', 'default-style'], { configDir })).stdout.trim()).toBe('ghibli');
    expect((await runCli(['config', 'set', 'concurrency', '99'], { configDir })).exitCode).toBe(2);
    expect((await runCli(['config', 'set', 'default-style', 'nope'], { configDir })).exitCode).toBe(2);
    expect((await runCli(['config', 'set', 'colour', 'red'], { configDir })).exitCode).toBe(2);
    expect((await runCli(['config', 'unset', 'default-style'], { configDir })).exitCode).toBe(0);
    expect((await runCli(['config', 'get', 'default-style'], { configDir })).exitCode).toBe(1);
    expect((await runCli(['config', 'path'], { configDir })).stdout.trim()).toBe(join(configDir, 'config.json'));
  });

  it('takes the key from the flag, then SPARK_STYLE_API_KEY, then VTRIX_API_KEY, then the file', async () => {
    const configDir = tempDir();
    await runCli(['config', 'set', 'api-key', key], { configDir });
    const source = async (env: Record<string, string>) => JSON.parse((await runCli(['config', 'list', '--json'], { configDir, env })).stdout).api_key_source;
    expect(await source({})).toBe('config');
    expect(await source({ VTRIX_API_KEY: 'vtrix-key-123456' })).toBe('VTRIX_API_KEY');
    expect(await source({ VTRIX_API_KEY: 'vtrix-key-123456', SPARK_STYLE_API_KEY: 'spark-key-123456' })).toBe('SPARK_STYLE_API_KEY');
  });
});
