import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, PHOTOS } from '../helpers/cli.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

describe('help and usage', () => {
  it('prints help with examples and the exit codes', async () => {
    const result = await cli.run(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: spark-style');
    expect(result.stdout).toContain('Examples:');
    expect(result.stdout).toContain('124  timed out waiting');
  });

  it.each(['stylize', 'styles', 'check', 'status', 'config', 'emulator'])('help %s has examples', async (command) => {
    const result = await cli.run(['help', command]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`Usage: spark-style ${command}`);
    expect(result.stdout).toMatch(/Examples:\n {2}\$ spark-style/);
  });

  it('an unknown style is a usage error with a suggestion', async () => {
    const result = await cli.run(['stylize', join(PHOTOS, 'bridge_1302x953.jpg'), '--style', 'watercolour', '--dry-run']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('unknown style "watercolour" (did you mean "watercolor"?)');
  });
});

describe('styles', () => {
  it('--json lists the 22 styles with null sub_req_key where there is none', async () => {
    const result = await cli.run(['styles', '--json']);
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
    const table = await cli.run(['styles']);
    expect(table.stdout.split('\n')[0]).toBe('ghibli\tInfluencer Anime Style\timg2img_ghibli_style_usage\t-\t-');
    expect((await cli.run(['styles', '--quiet'])).stdout.split('\n')).toHaveLength(22);
  });
});

describe('check', () => {
  it('exits 0 when every file passes and 1 when any fails, one line per file', async () => {
    const ok = await cli.run(['check', join(PHOTOS, 'bridge_1302x953.jpg'), join(PHOTOS, 'hubble_1000x872.jpg')]);
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(2);
    const bad = await cli.run(['check', join(PHOTOS, 'bridge_1302x953.jpg'), join(PHOTOS, 'rocket_640x427.jpg')]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain('rocket_640x427.jpg: min-size: 640x427 is too small');
  });

  it('--json prints one object per line, and reports folders and missing files per file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'album'));
    writeFileSync(join(dir, 'fake.jpg'), await makeImage(1000, 800, 'webp'));
    const result = await cli.run(['check', '--json', join(PHOTOS, 'bridge_1302x953.jpg'), join(dir, 'album'), join(dir, 'missing.png'), join(dir, 'fake.jpg')]);
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
    const set = await cli.run(['config', 'set', 'api-key', '-'], { configDir, input: `${key}\n` });
    expect(set.exitCode).toBe(0);
    const file = join(configDir, 'config.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8'))['api-key']).toBe(key);

    const get = await cli.run(['config', 'get', 'api-key'], { configDir });
    expect(get.stdout.trim()).toBe('sk-****ghij');
    const list = await cli.run(['config', 'list', '--json'], { configDir });
    expect(JSON.parse(list.stdout)).toMatchObject({ values: { 'api-key': 'sk-****ghij' }, api_key_source: 'config' });
    for (const output of [set, get, list]) expect(output.stdout + output.stderr).not.toContain(key);
  });

  it('sets, gets and unsets the other keys, validating values', async () => {
    const configDir = tempDir();
    expect((await cli.run(['config', 'set', 'default-style', 'Ghibli'], { configDir })).exitCode).toBe(0);
    expect((await cli.run(['config', 'get', 'default-style'], { configDir })).stdout.trim()).toBe('ghibli');
    expect((await cli.run(['config', 'set', 'concurrency', '99'], { configDir })).exitCode).toBe(2);
    expect((await cli.run(['config', 'set', 'default-style', 'nope'], { configDir })).exitCode).toBe(2);
    expect((await cli.run(['config', 'set', 'colour', 'red'], { configDir })).exitCode).toBe(2);
    expect((await cli.run(['config', 'unset', 'default-style'], { configDir })).exitCode).toBe(0);
    expect((await cli.run(['config', 'get', 'default-style'], { configDir })).exitCode).toBe(1);
    expect((await cli.run(['config', 'path'], { configDir })).stdout.trim()).toBe(join(configDir, 'config.json'));
  });

  it('takes the key from the flag, then SPARK_STYLE_API_KEY, then VTRIX_API_KEY, then the file', async () => {
    const configDir = tempDir();
    await cli.run(['config', 'set', 'api-key', key], { configDir });
    const source = async (env: Record<string, string>) => JSON.parse((await cli.run(['config', 'list', '--json'], { configDir, env })).stdout).api_key_source;
    expect(await source({})).toBe('config');
    expect(await source({ VTRIX_API_KEY: 'vtrix-key-123456' })).toBe('VTRIX_API_KEY');
    expect(await source({ VTRIX_API_KEY: 'vtrix-key-123456', SPARK_STYLE_API_KEY: 'spark-key-123456' })).toBe('SPARK_STYLE_API_KEY');
  });
});
