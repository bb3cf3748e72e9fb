import { execa } from 'execa';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { CLI, jsonLines, PHOTOS } from '../helpers/cli.js';
import { makeImage, pngBombHeader } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';
import { ledgerBytes } from '../helpers/ledger.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-hardening-0123456789abcdef';
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });

describe('--fix', () => {
  it('check --fix --out writes an API-ready copy of every input, originals untouched', async () => {
    const dir = tempDir();
    const webp = join(dir, 'holiday.webp');
    writeFileSync(webp, await makeImage(1200, 900, 'webp'));
    const small = join(dir, 'rocket.jpg');
    copyFileSync(join(PHOTOS, 'rocket_640x427.jpg'), small);
    const clean = join(dir, 'clean.jpg');
    writeFileSync(clean, await makeImage(1000, 800));
    const before = readFileSync(webp);
    const out = join(dir, 'ready', 'nested');
    const result = await cli.run(['check', '--fix', '--out', out, webp, small, clean]);
    expect(result.exitCode).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['clean.jpg', 'holiday.jpg', 'rocket.jpg']);
    expect(readFileSync(join(out, 'clean.jpg')).equals(readFileSync(clean))).toBe(true);
    expect(readFileSync(webp).equals(before)).toBe(true);
    expect(result.stdout).toContain(`${webp} -> ${join(out, 'holiday.jpg')}: converted WebP`);
    expect(result.stderr).toContain('quality will suffer');
    const recheck = await cli.run(['check', ...readdirSync(out).map((name) => join(out, name))]);
    expect(recheck.exitCode).toBe(0);
  });

  it('check --fix exits 1 when an input cannot be made valid', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'bomb.png'), pngBombHeader(20000, 20000));
    const result = await cli.run(['check', '--fix', '--out', join(dir, 'out'), join(dir, 'bomb.png'), join(PHOTOS, 'bridge_1302x953.jpg'), '--json']);
    expect(result.exitCode).toBe(1);
    const [bomb, bridge] = jsonLines(result.stdout);
    expect(bomb).toMatchObject({ ok: false, errors: [{ rule: 'pixel-limit' }] });
    expect(bridge).toMatchObject({ ok: true, output: join(dir, 'out', 'bridge_1302x953.jpg') });
  });

  it('stylize --no-convert refuses a WebP with a hint, and with --fix sends the repaired JPEG', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const webp = join(dir, 'cat.webp');
    writeFileSync(webp, await makeImage(1200, 900, 'webp', { orientation: 8 }));
    const refused = await cli.run(['stylize', webp, '--style', 'anime', '--no-convert'], { env: against(server.url) });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('the content is WebP; the API takes JPEG or PNG only');
    expect(refused.stderr).toContain('add --fix');
    const dry = await cli.run(['stylize', webp, '--style', 'anime', '--fix', '--dry-run'], { env: against(server.url) });
    expect(dry.stdout).toMatch(/"binary_data_base64": \[\s+"\/9j\//); // JPEG bytes, not WebP ("UklG")
    const fixed = await cli.run(['stylize', webp, '--style', 'anime', '--fix'], { env: against(server.url) });
    expect(fixed.exitCode).toBe(0);
    expect(fixed.stderr).toContain('fixed: converted WebP');
    expect(fixed.stderr).toContain('fixed: rotated upright (EXIF orientation 8)');
    const saved = await sharp(readFileSync(fixed.stdout)).metadata();
    expect([saved.width, saved.height]).toEqual([900, 1200]);
  });
});

describe('HEIC (iPhone photos), decoded by libheif', () => {
  const heic = fileURLToPath(new URL('../fixtures/gradient_900x700.heic', import.meta.url));
  const grid = fileURLToPath(new URL('../fixtures/grid_rotated.heic', import.meta.url));

  it('check reports HEIC as fixable, and check --fix writes an upright JPEG', async () => {
    const checked = await cli.run(['check', heic, '--json']);
    expect(checked.exitCode).toBe(1);
    expect(JSON.parse(checked.stdout)).toMatchObject({
      format: 'heic',
      width: 900,
      height: 700,
      fixable: true,
      errors: [{ rule: 'format', message: 'the content is HEIC; the API takes JPEG or PNG only' }],
    });
    const out = tempDir();
    const fixed = await cli.run(['check', heic, grid, '--fix', '--out', out, '--json']);
    expect(fixed.exitCode).toBe(0);
    expect(jsonLines(fixed.stdout).map((line) => line.output)).toEqual([join(out, 'gradient_900x700.jpg'), join(out, 'grid_rotated.jpg')]);
    const upright = await sharp(readFileSync(join(out, 'grid_rotated.jpg'))).metadata();
    expect([upright.format, upright.width, upright.height]).toEqual(['jpeg', 667, 800]);
  });

  it('loads the WebAssembly decoder only when a HEIC file is met', async () => {
    const trace = join(tempDir(), 'loads.txt');
    const preload = fileURLToPath(new URL('../helpers/trace-loads.cjs', import.meta.url));
    const loads = async (file: string) => {
      writeFileSync(trace, '');
      await execa(process.execPath, ['--require', preload, CLI, 'check', file], { env: { TRACE_LOADS_FILE: trace }, reject: false });
      return readFileSync(trace, 'utf8')
        .split('\n')
        .filter((path) => /node_modules\/(heic-decode|libheif-js)\//.test(path));
    };
    expect(await loads(join(PHOTOS, 'bridge_1302x953.jpg'))).toEqual([]);
    expect((await loads(heic)).length).toBeGreaterThan(0);
  });

  it('stylize --fix sends an iPhone-shaped HEIC as JPEG', async () => {
    const server = await cli.emulator();
    const fixed = await cli.run(['stylize', grid, '--style', 'anime', '--fix', '--out', tempDir()], { env: against(server.url) });
    expect(fixed.exitCode).toBe(0);
    expect(fixed.stderr).toContain('fixed: converted HEIC');
    const saved = await sharp(readFileSync(fixed.stdout)).metadata();
    expect([saved.width, saved.height]).toEqual([667, 800]);
  });
});

describe('hostile and odd inputs in a batch', () => {
  it('gives each bad input one line naming it, and saves the good one', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const good = join(dir, 'it\'s a "good" photo.jpg');
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), good);
    writeFileSync(join(dir, 'empty.jpg'), '');
    mkdirSync(join(dir, 'folder.jpg'));
    execFileSync('mkfifo', [join(dir, 'fifo.jpg')]);
    symlinkSync(join(dir, 'fifo.jpg'), join(dir, 'link-to-fifo.jpg'));
    symlinkSync('/dev/urandom', join(dir, 'device.jpg'));
    writeFileSync(join(dir, 'bomb.png'), pngBombHeader(30000, 30000));
    const truncated = await makeImage(1200, 900, 'jpeg', { noise: true });
    writeFileSync(join(dir, 'cut.jpg'), truncated.subarray(0, truncated.length >> 1));
    const bad = ['empty.jpg', 'folder.jpg', 'link-to-fifo.jpg', 'device.jpg', 'bomb.png', 'cut.jpg', 'missing.jpg'].map((name) => join(dir, name));
    const result = await cli.run(['stylize', good, ...bad, '--style', 'ghibli', '--out', join(dir, 'out')], { env: against(server.url) });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(join(dir, 'out', 'it\'s a "good" photo.ghibli.jpg'));
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('✖'));
    expect(lines, result.stderr).toHaveLength(bad.length);
    for (const path of bad) expect(lines.some((line) => line.startsWith(`✖ ${path} (ghibli): `))).toBe(true);
    expect(result.stderr).toContain('the file is empty');
    expect(result.stderr).toContain('30000x30000 is too large');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(server.stats().creates_received).toBe(1);
  });

  it('reports a file name that is not valid UTF-8 when expanding a folder', async () => {
    const dir = tempDir();
    const folder = join(dir, 'album');
    mkdirSync(folder);
    writeFileSync(Buffer.concat([Buffer.from(`${folder}/bad-`), Buffer.from([0xff, 0xfe]), Buffer.from('.jpg')]), await makeImage(1000, 800));
    writeFileSync(join(folder, 'fine.jpg'), await makeImage(1000, 800));
    const result = await cli.run(['stylize', folder, '--style', 'anime', '--dry-run', '--json']);
    const plan = jsonLines(result.stdout);
    expect(plan.find((line) => line.action === 'refuse')).toMatchObject({ reason: 'the file name is not valid UTF-8; rename the file' });
    expect(plan.find((line) => line.input === join(folder, 'fine.jpg'))).toMatchObject({ action: 'create' });
  });
});

describe('security', () => {
  const photo = join(PHOTOS, 'bridge_1302x953.jpg');

  it.each([
    ['--base-url flag', ['--base-url', 'http://api.example.invalid'], {}],
    ['SPARK_STYLE_BASE_URL', [], { SPARK_STYLE_BASE_URL: 'http://api.example.invalid' }],
  ])('refuses a plain-http base URL from the %s before any connection', async (_where, flags, env) => {
    const result = await cli.run(['stylize', photo, '--style', 'anime', '--api-key', KEY, '--out', tempDir(), ...flags], { env });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('refusing plain-http base URL http://api.example.invalid');
  });

  it('refuses a plain-http base URL from the config, and --insecure allows it with a warning', async () => {
    const configDir = tempDir();
    await cli.run(['config', 'set', 'base-url', 'http://api.example.invalid'], { configDir });
    const refused = await cli.run(['status', 'abc', '--api-key', KEY], { configDir, env: { SPARK_STYLE_BASE_URL: undefined } });
    expect(refused.exitCode).toBe(2);
    const allowed = await cli.run(['stylize', photo, '--style', 'anime', '--dry-run', '--insecure'], { configDir, env: { SPARK_STYLE_BASE_URL: undefined } });
    expect(allowed.exitCode).toBe(0);
    expect(allowed.stderr).toContain('warning: --insecure: sending the API key over plain http to api.example.invalid');
    expect(allowed.stdout).toContain('POST http://api.example.invalid/model/v1/generation');
  });

  it('keeps TLS verification on: a self-signed server on loopback is refused', async () => {
    const dir = tempDir();
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=127.0.0.1'],
      { stdio: 'ignore' },
    );
    let requests = 0;
    const server = createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (_request, response) => {
      requests++;
      response.end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const result = await cli.run(['status', 'abc', '--api-key', KEY], { env: { SPARK_STYLE_BASE_URL: url } });
      expect(result.exitCode).toBe(4);
      expect(result.stderr).toMatch(/certificate/i);
      expect(requests).toBe(0);
    } finally {
      server.close();
    }
  });

  it('--verbose shows method, URL, status and timing, never the key', async () => {
    const server = await cli.emulator();
    const configDir = tempDir();
    const result = await cli.run(['stylize', photo, '--style', 'watercolor', '--out', tempDir(), '--verbose'], { env: against(server.url), configDir });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(new RegExp(`POST ${server.url}/model/v1/generation -> 200 \\(\\d+ ms\\)`));
    expect(result.stderr).toMatch(/GET .*\/model\/v1\/generation\/task\/\w+ -> 200/);
    for (const text of [result.stdout, result.stderr, ledgerBytes(configDir)]) expect(text).not.toContain(KEY);
    expect(server.stats().result_requests_with_authorization).toBe(0);
  });
});
