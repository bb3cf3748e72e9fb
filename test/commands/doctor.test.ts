import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { fillLedger, ledgerIn, row } from '../helpers/ledger-fixture.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-doctor-test-0123456789abcdef';

interface DoctorJson {
  ok: boolean;
  exit_code: number;
  checks: { check: string; status: 'pass' | 'warn' | 'fail'; detail: string; fix: string | null }[];
}

async function doctor(env: Record<string, string | undefined>, configDir?: string) {
  const result = await cli.run(['doctor', '--json'], { env, configDir });
  const report = JSON.parse(result.stdout) as DoctorJson;
  const check = (name: string) => report.checks.find((item) => item.check === name);
  return { result, report, check };
}

describe('doctor', () => {
  it('checks a config folder that does not exist without creating it, or anything in it', async () => {
    const server = await cli.emulator({ key: KEY });
    const configDir = join(tempDir(), 'not-yet', 'spark-style');
    const { result, check } = await doctor({ SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY }, configDir);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(check('config folder')?.status).toBe('pass');
    expect(existsSync(join(configDir, '..'))).toBe(false);
  });

  it('passes every check when the service accepts the key, and creates no task', async () => {
    const server = await cli.emulator({ key: KEY });
    const { result, report, check } = await doctor({ SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY });
    expect(result.exitCode).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((item) => item.check)).toEqual([
      'node',
      'sharp',
      'config folder',
      'config',
      'ledger',
      'api key',
      'proxy',
      'service',
      'key accepted',
    ]);
    expect(report.checks.every((item) => item.status === 'pass')).toBe(true);
    expect(check('sharp')?.detail).toMatch(/^\d+\.\d+\.\d+ \(libvips [\d.]+\); reads .*jpeg.*png/);
    expect(check('api key')?.detail).toBe('sk-****cdef from SPARK_STYLE_API_KEY');
    expect(check('service')?.detail).toMatch(/reachable \(plain http\), \d+ ms round trip$/);
    expect(check('key accepted')?.detail).toContain('404');
    expect(server.stats()).toMatchObject({ creates_received: 0, tasks_created: 0, unauthorized: 0 });
    expect(result.stdout + result.stderr).not.toContain(KEY);
  });

  it('prints one line per check, with the fix under a failure, and exits 3 when the key is refused', async () => {
    const server = await cli.emulator({ key: KEY });
    const result = await cli.run(['doctor'], { env: { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: 'sk-wrong-key-99999999' } });
    expect(result.exitCode).toBe(3);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toContain('✖ key accepted   no: refused with 401 (the key is wrong or revoked)');
    expect(lines[lines.indexOf('✖ key accepted   no: refused with 401 (the key is wrong or revoked)') + 1]).toMatch(
      /^\s+fix: check the key: spark-style config list/,
    );
    expect(server.stats().unauthorized).toBe(1);
    expect(result.stdout).not.toContain('sk-wrong-key-99999999');
  });

  it('exits 3 when no key is set, after still checking that the service is reachable', async () => {
    const server = await cli.emulator();
    const { result, check } = await doctor({ SPARK_STYLE_BASE_URL: server.url });
    expect(result.exitCode).toBe(3);
    expect(check('api key')).toMatchObject({ status: 'fail', detail: 'missing' });
    expect(check('api key')?.fix).toContain('spark-style config set api-key -');
    expect(check('service')?.status).toBe('pass');
  });

  it('exits 4 when the service cannot be reached (a loopback port where nothing listens)', async () => {
    const { result, check } = await doctor({ SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9', SPARK_STYLE_API_KEY: KEY });
    expect(result.exitCode).toBe(4);
    expect(check('service')).toMatchObject({ status: 'fail', detail: 'http://127.0.0.1:9 unreachable: ECONNREFUSED' });
    expect(check('service')?.fix).toContain('--base-url');
    expect(check('key accepted')).toBeUndefined();
  });

  it('reports a config file others can read (exit 1) and the ledger tasks that need a person (warnings only)', async () => {
    const server = await cli.emulator();
    const configDir = tempDir();
    mkdirSync(configDir, { recursive: true });
    const config = join(configDir, 'config.json');
    writeFileSync(config, JSON.stringify({ 'api-key': KEY }));
    chmodSync(config, 0o644);
    await fillLedger(ledgerIn(configDir), [
      row({ at: new Date().toISOString(), input: 'a.jpg', task_id: 't1', status: 'open' }),
      row({ at: new Date().toISOString(), input: 'b.jpg', status: 'unknown' }),
      row({ at: new Date().toISOString(), input: 'c.jpg', status: 'unknown' }),
    ]);
    const { result, check } = await doctor({ SPARK_STYLE_BASE_URL: server.url }, configDir);
    expect(result.exitCode).toBe(1);
    expect(check('config')).toMatchObject({ status: 'fail', detail: `${config} has mode 0644; others may read it`, fix: `chmod 600 ${config}` });
    expect(check('api key')?.detail).toBe('sk-****cdef from config');
    expect(check('ledger')).toMatchObject({ status: 'pass', detail: `${ledgerIn(configDir)} (mode 0600)` });
    expect(check('open tasks')).toMatchObject({ status: 'warn', detail: '1 task created but not collected' });
    expect(check('unknown tasks')).toMatchObject({ status: 'warn', detail: '2 creates whose answer was lost' });
    expect(check('unknown tasks')?.fix).toContain('spark-style history --status unknown');
    chmodSync(config, 0o600);
    expect((await doctor({ SPARK_STYLE_BASE_URL: server.url }, configDir)).result.exitCode).toBe(0);
  });

  it.each(['doctor', 'history', 'completion'])('help %s has examples', async (command) => {
    const result = await cli.run(['help', command]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/Examples:\n {2}\$ spark-style/);
  });
});
