import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { buildCreateBody } from '../../src/api/request-body.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { tempDir } from '../helpers/tmp.js';
import type { Faults } from '../../src/emulator/faults.js';
import { commandHarness } from '../helpers/command.js';

const PHOTO = readFileSync(new URL('../../fixtures/photos/bridge_1302x953.jpg', import.meta.url));

const KEY = 'sk-status-test-key';
const cli = commandHarness();

/**
 * `status` in-process: the emulator and the command share one virtual clock, so a task that
 * takes 30 s completes as soon as the command has waited 30 s of virtual time; nothing sleeps.
 * The emulator takes only the key from the environment: a command that sent another is refused.
 */
async function setUp(options: { faults?: Faults } = {}) {
  const server = await cli.emulator({ latencyMs: 30_000, key: KEY, faults: options.faults });
  const client = new SparkClient({ baseUrl: server.url, apiKey: KEY, clock: cli.clock });
  const task = await client.createTask(buildCreateBody({ style: resolveStyle('ghibli'), image: { bytes: PHOTO }, returnUrl: true, logo: null }));
  const env = { SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_BASE_URL: server.url };
  return { server, task, env };
}

const status = (setup: Awaited<ReturnType<typeof setUp>>, flags: string[], face: 'pipe' | 'tty' = 'pipe', env: Record<string, string | undefined> = {}) =>
  cli.run(['status', setup.task.id, ...flags], { face, env: { ...setup.env, ...env } });

describe('status --wait, in-process on a virtual clock', () => {
  it('in a pipe: waits the task out, saves it, plain lines on stdout, nothing on stderr', async () => {
    const setup = await setUp();
    const started = cli.clock.now();
    const out = tempDir();
    const { exitCode, stdout, stderr } = await status(setup, ['--wait', '--save', out, '--timeout', '600']);
    expect(exitCode).toBe(ExitCode.OK);
    expect(setup.server.stats()).toMatchObject({ unauthorized: 0, task_reads: expect.any(Number) });
    expect(cli.clock.now() - started).toBeGreaterThanOrEqual(30_000);
    const saved = join(out, `${setup.task.id}.jpg`);
    expect(existsSync(saved)).toBe(true);
    const lines = stdout.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${setup.task.id}: completed · \\$\\d+\\.\\d+$`));
    expect(lines).toContain(`  saved: ${saved}`);
    expect(lines.some((line) => line.startsWith('  result: http://127.0.0.1:'))).toBe(true);
    expect(stderr).toBe('');
  });

  it('on a terminal: a spinner on stderr while it waits, cleared at the end; colour on stdout', async () => {
    const setup = await setUp();
    const { exitCode, stdout, stderr } = await status(setup, ['--wait', '--timeout', '600'], 'tty', { NO_COLOR: undefined });
    expect(exitCode).toBe(ExitCode.OK);
    expect(stderr).toContain(`${setup.task.id} · waiting`);
    // Cursor hidden while spinning, shown again, and the line cleared: nothing is left behind.
    expect(stderr).toContain('\u001B[?25l');
    expect(stderr.endsWith('\u001B[?25h')).toBe(true);
    expect(stdout).toContain(`${setup.task.id}: \u001B[32mcompleted\u001B[39m`);
  });

  it('gives up at --timeout: exit 124, the failure line and a hint with the command that collects it later', async () => {
    const setup = await setUp();
    const started = cli.clock.now();
    const { exitCode, stdout, stderr } = await status(setup, ['--wait', '--timeout', '10s', '--save', 'art']);
    expect(exitCode).toBe(ExitCode.TIMEOUT);
    expect(cli.clock.now() - started).toBe(10_000);
    expect(stdout).toBe('');
    expect(stderr.split('\n')).toEqual([
      `✖ ${setup.task.id}: gave up waiting for task ${setup.task.id} after 10 s; it may still finish`,
      `  hint: collect it later with: spark-style status ${setup.task.id} --wait --save art`,
    ]);
  });

  it('a failed task is a report (exit 1), in --json too', async () => {
    const setup = await setUp({ faults: { failEvery: 1, failCode: '003008095' } });
    const { exitCode, stdout, stderr } = await status(setup, ['--wait', '--json', '--timeout', '600']);
    expect(exitCode).toBe(ExitCode.ITEM_FAILED);
    const report = JSON.parse(stdout) as Record<string, unknown>;
    expect(report).toMatchObject({ task_id: setup.task.id, status: 'failed', error: { code: '003008095' }, saved: [] });
    expect(stderr).toBe('');
  });
});
