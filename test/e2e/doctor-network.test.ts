import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { startConnectProxy, startTlsFront, TEST_CERT } from '../helpers/connect-proxy.js';

const KEY = 'sk-doctor-test-0123456789abcdef';

interface DoctorJson {
  ok: boolean;
  exit_code: number;
  checks: { check: string; status: 'pass' | 'warn' | 'fail'; detail: string; fix: string | null }[];
}

async function doctor(env: Record<string, string | undefined>) {
  const result = await runCli(['doctor', '--json'], { env });
  const report = JSON.parse(result.stdout) as DoctorJson;
  const check = (name: string) => report.checks.find((item) => item.check === name);
  return { result, report, check };
}

/**
 * Spawned, because Node reads NODE_EXTRA_CA_CERTS once as a process starts, and the proxy
 * settings come from the process environment: both need a process of their own.
 */
describe('doctor on the network', () => {
  it('says when TLS does not verify (exit 4), and trusts a private CA through NODE_EXTRA_CA_CERTS', async () => {
    const server = await emulator({ key: KEY });
    const front = await startTlsFront(Number(new URL(server.url).port));
    const env = { SPARK_STYLE_BASE_URL: `https://127.0.0.1:${front.port}`, SPARK_STYLE_API_KEY: KEY };
    const untrusted = await doctor(env);
    expect(untrusted.result.exitCode).toBe(4);
    expect(untrusted.check('service')?.detail).toContain('TLS does not verify');
    expect(untrusted.check('service')?.fix).toContain('NODE_EXTRA_CA_CERTS');
    const trusted = await doctor({ ...env, NODE_EXTRA_CA_CERTS: TEST_CERT });
    expect(trusted.result.exitCode).toBe(0);
    expect(trusted.check('service')?.detail).toMatch(/reachable, TLS verified, \d+ ms round trip$/);
  });

  it('names the proxy in use and checks the key through its tunnel; a proxy that refuses is exit 4 with a proxy fix', async () => {
    const server = await emulator({ key: KEY });
    const front = await startTlsFront(Number(new URL(server.url).port));
    const proxy = await startConnectProxy({ 'api.test': true });
    const env = { SPARK_STYLE_BASE_URL: `https://api.test:${front.port}`, SPARK_STYLE_API_KEY: KEY, HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: TEST_CERT };
    const through = await doctor(env);
    expect(through.result.exitCode).toBe(0);
    expect(through.check('proxy')?.detail).toBe(`via proxy ${proxy.url} (from HTTPS_PROXY, https through a CONNECT tunnel)`);
    expect(through.check('key accepted')?.status).toBe('pass');
    expect(proxy.tunnels).toEqual([`api.test:${front.port}`]);
    expect(proxy.seen().includes(KEY)).toBe(false);

    const refusing = await startConnectProxy({});
    const refused = await doctor({ ...env, HTTPS_PROXY: refusing.url });
    expect(refused.result.exitCode).toBe(4);
    expect(refused.check('service')?.fix).toContain(`check the proxy ${refusing.url}`);
  });
});
