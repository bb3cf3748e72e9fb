import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSparkStyle } from '../../src/index.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { tempDir } from '../helpers/tmp.js';

/** client.doctor()'s options: what the CLI's doctor asks of it (its flags, its config file, its wording). */
describe('the library: doctor options', () => {
  function stateFolder(): string {
    const dir = join(tempDir(), 'state');
    mkdirSync(dir, { mode: 0o700 });
    return dir;
  }

  it('offline: the local setup with the ledger and a config file, then the built-in emulator in place of the key and the service', async () => {
    let connected = 0;
    const stateDir = stateFolder();
    const configFile = join(stateDir, 'config.json');
    writeFileSync(configFile, '{}');
    chmodSync(configFile, 0o644);
    const client = createSparkStyle({
      clock: fakeClock(),
      apiKey: 'sk-doctor-secret-123456',
      stateDir,
      connect: async () => {
        connected++;
        return { baseUrl: 'http://127.0.0.1:9', apiKey: 'x' };
      },
    });
    const report = await client.doctor({ offline: true, configFile });
    expect(report.checks.map((check) => check.check)).toEqual(['node', 'sharp', 'config folder', 'config', 'ledger', 'offline emulator']);
    expect(report.checks.find((check) => check.check === 'config')).toMatchObject({ status: 'fail', fix: `chmod 600 ${configFile}` });
    expect(report.checks.at(-1)).toMatchObject({ status: 'pass', detail: expect.stringMatching(/^answers on loopback \(http:\/\/127\.0\.0\.1:\d+\)/) });
    expect(report.exitCode).toBe(1);
    expect(connected).toBe(0);
    await client.close();
  });

  it('probeWithoutKey: without a key the service is still probed, and the key is reported as not tried (exit 3)', async () => {
    const server = await emulator({ plain: true });
    const client = createSparkStyle({ clock: fakeClock(), baseUrl: server.url, stateDir: stateFolder() });
    const report = await client.doctor({ probeWithoutKey: true, timeout: '5s' });
    const byName = new Map(report.checks.map((check) => [check.check, check]));
    expect(byName.get('api key')).toMatchObject({ status: 'fail', detail: 'missing' });
    expect(byName.get('service')).toMatchObject({ status: 'pass', detail: expect.stringContaining(`${server.url} reachable (plain http)`) });
    expect(byName.get('key accepted')).toMatchObject({ status: 'fail', detail: 'not tried: no key', exitCode: 3 });
    expect(report.exitCode).toBe(3);
    expect(server.stats()).toMatchObject({ creates_received: 0, tasks_created: 0 });
    await client.close();
  });

  it('baseUrlHint: the fix under an unusable base URL names where the caller takes it from', async () => {
    const client = createSparkStyle({ clock: fakeClock(), baseUrl: 'ftp://example.test', stateDir: stateFolder() });
    const named = await client.doctor({ probeWithoutKey: true, baseUrlHint: 'check --base-url' });
    expect(named.checks.find((check) => check.check === 'base url')).toMatchObject({
      status: 'fail',
      detail: 'base URL "ftp://example.test" must be https',
      fix: 'check --base-url',
      exitCode: 2,
    });
    const plain = await client.doctor({ probeWithoutKey: true });
    expect(plain.checks.find((check) => check.check === 'base url')?.fix).toBe('check the baseUrl option');
    await client.close();
  });
});
