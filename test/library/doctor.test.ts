import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSparkStyle } from '../../src/index.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { tempDir } from '../helpers/tmp.js';

/** client.doctor() in-process: the checks as data, the probe through the client's own connection (the emulator on loopback). */
describe('the library: doctor', () => {
  it('passes against a service that answers, without paying: no task is created', async () => {
    const clock = fakeClock(Date.UTC(2030, 5, 1));
    let created = 0;
    const server = await emulator({ now: clock.now, plain: true, onTaskCreated: () => created++ });
    try {
      const client = createSparkStyle({
        clock,
        apiKey: 'sk-doctor-secret-123456',
        stateDir: join(tempDir(), 'state'),
        connect: async () => ({ baseUrl: server.url, apiKey: 'sk-doctor-secret-123456' }),
      });
      const report = await client.doctor({ timeout: 5000 });
      const byName = new Map(report.checks.map((check) => [check.check, check]));
      expect(report.exitCode).toBe(0);
      expect(byName.get('api key')?.status).toBe('pass');
      expect(byName.get('api key')?.detail).not.toContain('sk-doctor-secret-123456');
      expect(byName.get('node')?.status).toBe('pass');
      expect(report.checks.filter((check) => check.status === 'fail')).toEqual([]);
      expect(report.checks.length).toBeGreaterThan(4);
      expect(created).toBe(0);
      await client.close();
    } finally {
      await server.close();
    }
  });

  it('without a key: a failing api key check with exit code 3, and no request sent', async () => {
    const client = createSparkStyle({ stateDir: join(tempDir(), 'state'), connect: async () => ({ baseUrl: 'http://127.0.0.1:9', apiKey: 'x' }) });
    const report = await client.doctor();
    const key = report.checks.find((check) => check.check === 'api key');
    expect(key).toMatchObject({ status: 'fail', detail: 'missing' });
    expect(report.exitCode).toBe(3);
    expect(report.checks.some((check) => check.check === 'service')).toBe(false);
  });
});
