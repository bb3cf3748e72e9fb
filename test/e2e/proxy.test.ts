import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, PHOTOS, runCli } from '../helpers/cli.js';
import { startConnectProxy, startTlsFront, TEST_CERT } from '../helpers/connect-proxy.js';
import { emulator } from '../helpers/emulator.js';
import { tempDir } from '../helpers/tmp.js';

const PHOTO = join(PHOTOS, 'bridge_1302x953.jpg');
const KEY = 'sk-proxy-test-0123456789abcdef';

describe('proxies', () => {
  it('sends https API requests through a CONNECT tunnel: the proxy never sees the key; private CAs verify through NODE_EXTRA_CA_CERTS', async () => {
    const server = await emulator({ key: KEY });
    const front = await startTlsFront(Number(new URL(server.url).port));
    const proxy = await startConnectProxy({ 'api.test': true });
    const out = tempDir();
    const result = await runCli(['stylize', PHOTO, '--style', 'ghibli', '--out', out, '--json', '--verbose'], {
      env: {
        SPARK_STYLE_BASE_URL: `https://api.test:${front.port}`,
        SPARK_STYLE_API_KEY: KEY,
        HTTPS_PROXY: proxy.url,
        NODE_EXTRA_CA_CERTS: TEST_CERT,
      },
    });
    expect(result.stderr).toContain(`via proxy ${proxy.url}`);
    expect(result.exitCode).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ status: 'saved' });
    expect(readdirSync(out)).toEqual(['bridge_1302x953.ghibli.jpg']);
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.tunnels)).toEqual(new Set([`api.test:${front.port}`]));
    expect(proxy.forwarded).toEqual([]);
    // The proxy carried the whole exchange, but only as TLS records.
    expect(proxy.seen().length).toBeGreaterThan(10_000);
    expect(proxy.seen().includes(KEY)).toBe(false);
    expect(proxy.seen().includes('Bearer')).toBe(false);
    expect(server.stats().tasks_created).toBe(1);
    // The result host is loopback here, so the download went direct.
    expect(server.stats().result_downloads).toBe(1);
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('honours lower-case http_proxy for a plain-http base URL (tunnelled too)', async () => {
    const server = await emulator();
    const proxy = await startConnectProxy({ 'emulator.test': true });
    const port = new URL(server.url).port;
    const result = await runCli(['stylize', PHOTO, '--style', 'clay', '--out', tempDir(), '--json', '--insecure'], {
      env: { SPARK_STYLE_BASE_URL: `http://emulator.test:${port}`, SPARK_STYLE_API_KEY: KEY, http_proxy: proxy.url },
    });
    expect(result.exitCode).toBe(0);
    expect(jsonLines(result.stdout)[0]).toMatchObject({ status: 'saved' });
    expect(new Set(proxy.tunnels)).toEqual(new Set([`emulator.test:${port}`]));
  });

  it('never proxies loopback: the emulator and --offline keep working behind a proxy', async () => {
    const proxy = await startConnectProxy({});
    const server = await emulator();
    const env = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url, ALL_PROXY: proxy.url };
    const offline = await runCli(['stylize', PHOTO, '--style', 'marvel', '--offline', '--out', tempDir(), '--json', '--verbose'], { env });
    expect(offline.exitCode).toBe(0);
    expect(offline.stderr).toContain('direct (loopback is never proxied)');
    const local = await runCli(['stylize', PHOTO, '--style', 'anime', '--out', tempDir(), '--json'], {
      env: { ...env, SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY },
    });
    expect(local.exitCode).toBe(0);
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toEqual([]);
  });
});
