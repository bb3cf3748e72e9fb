import { copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, PHOTOS } from '../helpers/cli.js';
import { tempDir } from '../helpers/tmp.js';
import { ledgerBytes, ledgerRows } from '../helpers/ledger.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-e2e-0123456789abcdef';

/** A folder with a copy of the bridge photo in it. */
function workspace(): { dir: string; photo: string } {
  const dir = tempDir();
  const photo = join(dir, 'bridge.jpg');
  copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), photo);
  return { dir, photo };
}

const against = (url: string, extra: Record<string, string> = {}) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY, ...extra });

describe('stylize against the emulator', () => {
  it('with --no-provenance, saves three styles byte for byte as the result host served them', async () => {
    const server = await cli.emulator();
    const { dir, photo } = workspace();
    const configDir = tempDir();
    const result = await cli.run(['stylize', photo, '--style', 'ink-wash,marvel,chinese-red', '--out', join(dir, 'art'), '--json', '--no-provenance'], {
      env: against(server.url),
      configDir,
    });
    expect(result.exitCode).toBe(0);
    const lines = jsonLines(result.stdout);
    const summary = lines.pop();
    // Items are printed as they finish, so find each by its style.
    for (const alias of ['ink-wash', 'marvel', 'chinese-red']) {
      const item = lines.find((line) => line.style === alias);
      expect(item).toMatchObject({ input: photo, style: alias, status: 'saved', output: join(dir, 'art', `bridge.${alias}.jpg`), cost: '0.0300', error: null });
      const status = await cli.run(['status', item!.task_id as string, '--json'], { env: against(server.url), configDir });
      const served = Buffer.from(await (await fetch((JSON.parse(status.stdout) as { results: string[] }).results[0]!)).arrayBuffer());
      expect(readFileSync(item!.output as string).equals(served)).toBe(true);
    }
    expect(summary).toMatchObject({ summary: { saved: 3, failed: 0, tasks_created: 3, cost_usd: '0.0900' } });
    expect(server.stats()).toMatchObject({ tasks_created: 3, result_requests_with_authorization: 0 });
    expect(readFileSync(photo).equals(readFileSync(join(PHOTOS, 'bridge_1302x953.jpg')))).toBe(true);
  });

  it('prints only the saved path on stdout, and records the task in the ledger with mode 0600', async () => {
    const server = await cli.emulator();
    const { dir, photo } = workspace();
    const configDir = tempDir();
    const result = await cli.run(['stylize', photo, '--style', 'ghibli'], { env: against(server.url), configDir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(join(dir, 'bridge.ghibli.jpg'));
    expect(statSync(join(configDir, 'ledger.db')).mode & 0o777).toBe(0o600);
    const [attempt] = ledgerRows(configDir);
    expect(attempt).toMatchObject({
      style: 'ghibli',
      req_key: 'img2img_ghibli_style_usage',
      status: 'saved',
      output: join(dir, 'bridge.ghibli.jpg'),
      cost: '0.0300',
    });
    expect(JSON.parse(attempt!.options)).toMatchObject({ return_url: true, logo_info: null });
    expect(ledgerBytes(configDir)).not.toContain(KEY);
  });

  it('shows a failed task with its seed code and exits 1', async () => {
    const server = await cli.emulator({ faults: { failEvery: 1, failCode: '003008096' } });
    const { photo } = workspace();
    const result = await cli.run(['stylize', photo, '--style', 'clay', '--json'], { env: against(server.url) });
    expect(result.exitCode).toBe(1);
    const [item] = jsonLines(result.stdout);
    expect(item).toMatchObject({ status: 'failed', error: { code: '003008096' } });
    expect((item!.error as { message: string }).message).toMatch(/failed with 003008096: result parsing error/i);
    expect(result.stderr).toContain('--retry-failed');
  });

  it('a refused key exits 3, and the key never shows', async () => {
    const server = await cli.emulator({ key: 'the-right-key-123' });
    const { photo } = workspace();
    const result = await cli.run(['stylize', photo, '--style', 'anime', '--verbose'], { env: against(server.url) });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toMatch(/HTTP 401/);
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('no key at all exits 3 with what to do', async () => {
    const { photo } = workspace();
    const result = await cli.run(['stylize', photo, '--style', 'anime']);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('no API key');
  });

  it('waits out a 429 and succeeds', async () => {
    const server = await cli.emulator({ faults: { rateLimit: { after: 0, count: 1, retryAfterSeconds: 1 } } });
    const { photo } = workspace();
    const result = await cli.run(['stylize', photo, '--style', 'dreamy'], { env: against(server.url) });
    expect(result.exitCode).toBe(0);
    expect(server.stats()).toMatchObject({ rate_limited: 1, tasks_created: 1, creates_received: 2 });
    expect(result.stderr).toMatch(/retrying in 1\.0s/);
  });

  it('times out with exit 124 and the exact command that recovers the result', async () => {
    const server = await cli.emulator({ faults: { neverFinish: true } });
    const { dir, photo } = workspace();
    const result = await cli.run(['stylize', photo, '--style', 'doll', '--timeout', '2s'], { env: against(server.url) });
    expect(result.exitCode).toBe(124);
    const taskId = /task (\w+)/.exec(result.stderr)![1]!;
    expect(result.stderr).toContain(`spark-style status ${taskId} --wait --save ${dir}`);
  });

  it('reports a create whose answer was lost as outcome unknown (exit 4), sending it once', async () => {
    const server = await cli.emulator({ faults: { dropCreate: { count: 1 } } });
    const { photo } = workspace();
    const result = await cli.run(['stylize', photo, '--style', 'ceramic'], { env: against(server.url) });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/outcome is unknown/);
    expect(server.stats().creates_received).toBe(1);
  });

  it('--dry-run prints the body with the sub_req_key, needs no key, shows no key, sends nothing', async () => {
    const server = await cli.emulator();
    const { photo } = workspace();
    const withKey = await cli.run(['stylize', photo, '--style', 'marvel', '--dry-run', '--api-key', KEY], { env: { SPARK_STYLE_BASE_URL: server.url } });
    expect(withKey.exitCode).toBe(0);
    expect(withKey.stdout).toContain('"sub_req_key": "img2img_comic_style_marvel"');
    expect(withKey.stdout).toContain('"req_key": "img2img_comic_style_usage"');
    expect(withKey.stdout).toMatch(/"binary_data_base64": \[\n\s+"\/9j\/.{10,30}…\(\d+ base64 chars\)"/);
    expect(withKey.stdout + withKey.stderr).not.toContain(KEY);
    expect(withKey.stderr).toContain('1 task would be created');
    const noKey = await cli.run(['stylize', photo, '--style', 'marvel', '--dry-run', '--watermark-text', 'mine'], {
      env: { SPARK_STYLE_BASE_URL: server.url },
    });
    expect(noKey.exitCode).toBe(0);
    expect(noKey.stdout).toContain('"logo_text_content": "mine"');
    expect(server.stats().creates_received).toBe(0);
  });

  it('skips an existing output without creating a task, and --overwrite replaces it', async () => {
    const server = await cli.emulator();
    const { dir, photo } = workspace();
    writeFileSync(join(dir, 'bridge.watercolor.jpg'), 'mine, do not touch');
    const skipped = await cli.run(['stylize', photo, '--style', 'watercolor', '--json'], { env: against(server.url) });
    expect(skipped.exitCode).toBe(0);
    expect(jsonLines(skipped.stdout)[0]).toMatchObject({ status: 'skipped', output: join(dir, 'bridge.watercolor.jpg'), task_id: null });
    expect(readFileSync(join(dir, 'bridge.watercolor.jpg'), 'utf8')).toBe('mine, do not touch');
    expect(server.stats().creates_received).toBe(0);
    const replaced = await cli.run(['stylize', photo, '--style', 'watercolor', '--overwrite'], { env: against(server.url) });
    expect(replaced.exitCode).toBe(0);
    expect(readFileSync(join(dir, 'bridge.watercolor.jpg'))[0]).toBe(0xff);
  });

  it('refuses an invalid photo before sending anything, and names the rule', async () => {
    const server = await cli.emulator();
    const result = await cli.run(['stylize', join(PHOTOS, 'rocket_640x427.jpg'), '--style', 'anime', '--out', tempDir()], { env: against(server.url) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('rocket_640x427.jpg (anime): min-size: 640x427 is too small');
    expect(result.stderr).toContain('--fix');
    expect(server.stats().creates_received).toBe(0);
  });

  it('sends an http(s) URL as image_urls and names the result after its last segment', async () => {
    const photoServer = createServer((_request, response) => response.end(readFileSync(join(PHOTOS, 'hubble_1000x872.jpg'))));
    await new Promise<void>((resolve) => photoServer.listen(0, '127.0.0.1', resolve));
    try {
      const server = await cli.emulator();
      const out = tempDir();
      const url = `http://127.0.0.1:${(photoServer.address() as AddressInfo).port}/space/deep%20field.jpg?size=large`;
      const dry = await cli.run(['stylize', url, '--style', 'realistic', '--out', out, '--dry-run'], { env: against(server.url) });
      expect(dry.stdout).toMatch(new RegExp(`"image_urls": \\[\\s+"${url.replace(/[.?]/g, '\\$&')}"`));
      const result = await cli.run(['stylize', url, '--style', 'realistic', '--out', out], { env: against(server.url) });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe(join(out, 'deep field.realistic.jpg'));
    } finally {
      photoServer.close();
    }
  });

  it('saves inline base64 results with --no-return-url', async () => {
    const server = await cli.emulator({ wire: 'mixed' });
    const { dir, photo } = workspace();
    const result = await cli.run(['stylize', photo, '--style', 'cyber,angel,3d-game', '--no-return-url', '--json'], { env: against(server.url) });
    expect(result.exitCode).toBe(0);
    expect(
      jsonLines(result.stdout)
        .slice(0, 3)
        .map((item) => item.status),
    ).toEqual(['saved', 'saved', 'saved']);
    expect(existsSync(join(dir, 'bridge.3d-game.jpg'))).toBe(true);
    expect(server.stats().result_downloads).toBe(0);
  });

  it('refuses an --out that cannot hold results, before paying for anything', async () => {
    const server = await cli.emulator();
    const { dir, photo } = workspace();
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const result = await cli.run(['stylize', photo, '--style', 'anime', '--out', join(dir, 'not-a-folder')], { env: against(server.url) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('it is a file, not a folder; nothing was sent');
    expect(server.stats().creates_received).toBe(0);
  });

  it('refuses two inputs that would be saved under one name, before sending', async () => {
    const server = await cli.emulator();
    const a = workspace();
    const b = workspace();
    const result = await cli.run(['stylize', a.photo, b.photo, '--style', 'anime', '--out', tempDir()], { env: against(server.url) });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/would both be saved as/);
    expect(server.stats().creates_received).toBe(0);
  });
});

describe('status', () => {
  it('reports a task, waits for it and saves it under the name stylize would use', async () => {
    const server = await cli.emulator({ latencyMs: 1500 });
    const { dir, photo } = workspace();
    const configDir = tempDir();
    const started = await cli.run(['stylize', photo, '--style', 'monet', '--timeout', '0.3s'], { env: against(server.url), configDir });
    expect(started.exitCode).toBe(124);
    const taskId = /task (\w+)/.exec(started.stderr)![1]!;
    const saved = await cli.run(['status', taskId, '--wait', '--save', dir, '--json'], { env: against(server.url), configDir });
    expect(saved.exitCode).toBe(0);
    expect(JSON.parse(saved.stdout)).toMatchObject({ task_id: taskId, status: 'completed', cost: '0.0300', saved: [join(dir, 'bridge.monet.jpg')] });
    expect(server.stats().tasks_created).toBe(1);
  });

  it('fails clearly for a task the server does not know', async () => {
    const server = await cli.emulator();
    const result = await cli.run(['status', 'no-such-task'], { env: against(server.url) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('task no-such-task is unknown to the server');
  });
});

describe('offline', () => {
  it('stylizes the bundled photo with no key and no network', async () => {
    const out = tempDir();
    const result = await cli.run(['stylize', join(PHOTOS, 'bridge_1302x953.jpg'), '--style', 'marvel', '--offline', '--out', out], {
      env: { SPARK_STYLE_BASE_URL: undefined },
    });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe(join(out, 'bridge_1302x953.marvel.jpg'));
    expect(readFileSync(result.stdout).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(result.stderr).toContain('nothing was sent to Vtrix');
  });
});
