import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cmdutil/context.js';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { runDoctor } from '../../src/commands/doctor/run.js';
import { runHistory } from '../../src/commands/history/run.js';
import { displayConfigValue, normalizeConfigValue } from '../../src/config/config-file.js';
import { systemClock } from '../../src/core/clock.js';
import { fillLedger, row } from '../helpers/ledger-fixture.js';
import { memoryIO } from '../helpers/terminal.js';
import { FakeProcess } from '../helpers/command.js';
import { tempDir } from '../helpers/tmp.js';

/** A config folder anyone can write, holding a ledger someone else planted there (mode 0666). */
async function plantedFolder() {
  const dir = tempDir('spark-style-config-');
  const ledger = join(dir, 'ledger.db');
  await fillLedger(ledger, [row({ at: '2026-11-27T10:00:00.000Z', input: 'planted.jpg' })]);
  // A planted config too: doctor must not send a key to the base URL it names.
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ 'base-url': 'http://127.0.0.1:9' }));
  chmodSync(ledger, 0o666);
  chmodSync(dir, 0o777);
  return { dir, ledger, bytes: readFileSync(ledger) };
}

function context(dir: string) {
  // The base URL is a closed loopback port: nothing leaves the machine whatever doctor does.
  const streams = memoryIO('pipe', { NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: dir, SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9' });
  const ctx: CommandContext = {
    io: streams.io,
    exitCode: ExitCode.OK,
    verbose: false,
    clock: systemClock,
    argv: ['node', 'spark-style'],
    env: streams.io.env,
    process: new FakeProcess(),
    connect: async () => {
      throw new Error('no connection in this test');
    },
  };
  return { ctx, ...streams };
}

describe('a world-writable config folder', () => {
  it('history refuses it and leaves the planted ledger untouched (mode and bytes)', async () => {
    const planted = await plantedFolder();
    const { ctx } = context(planted.dir);
    await expect(runHistory({}, ctx)).rejects.toThrow(/refusing the config folder .*other users can write to it \(mode 0777\)/);
    expect(statSync(planted.ledger).mode & 0o777).toBe(0o666);
    expect(readFileSync(planted.ledger).equals(planted.bytes)).toBe(true);
  });

  it('doctor fails on it, and reads neither the planted ledger nor the planted config', async () => {
    const planted = await plantedFolder();
    const { ctx, stdout } = context(planted.dir);
    const code = await runDoctor({ json: true, timeout: '1s' }, ctx);
    expect(code).toBe(ExitCode.USAGE);
    const checks = (JSON.parse(stdout()) as { checks: { check: string; status: string; detail: string; fix: string }[] }).checks;
    const folder = checks.find((check) => check.check === 'config folder')!;
    expect(folder).toMatchObject({ status: 'fail', fix: `chmod 700 ${planted.dir}` });
    expect(folder.detail).toMatch(/other users can write to it \(mode 0777\)/);
    expect(checks.find((check) => check.check === 'ledger')).toBeUndefined();
    expect(statSync(planted.ledger).mode & 0o777).toBe(0o666);
    expect(readFileSync(planted.ledger).equals(planted.bytes)).toBe(true);
  });
});

describe('config base-url with a password', () => {
  it('is refused when set, without echoing it', () => {
    expect(() => normalizeConfigValue('base-url', 'https://user:hunter2@api.example.com')).toThrow(
      'config base-url: a base URL must not carry a user name or password',
    );
    try {
      normalizeConfigValue('base-url', 'https://user:hunter2@api.example.com');
    } catch (error) {
      expect(String((error as Error).message) + String((error as { hint?: string }).hint)).not.toContain('hunter2');
    }
  });

  it('one stored before this check is listed with its password masked', () => {
    expect(displayConfigValue('base-url', 'https://user:hunter2@api.example.com/')).not.toContain('hunter2');
  });
});
