import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { buildCreateBody } from '../../src/api/request-body.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import type { CommandContext } from '../../src/cmdutil/context.js';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import type { StatusOptions } from '../../src/commands/status/define.js';
import { runStatus } from '../../src/commands/status/run.js';
import type { IO } from '../../src/terminal/io.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { memoryIO } from '../helpers/terminal.js';
import { tempDir } from '../helpers/tmp.js';
import type { Faults } from '../../src/emulator/faults.js';

const PHOTO = readFileSync(new URL('../../fixtures/photos/bridge_1302x953.jpg', import.meta.url));

/**
 * `status` in-process: the emulator and the command share one fake clock, so a task that
 * takes 30 s completes as soon as the command has waited 30 s of fake time; nothing sleeps.
 */
async function setUp(face: 'tty' | 'pipe', options: { faults?: Faults; env?: NodeJS.ProcessEnv } = {}) {
  const clock = fakeClock(Date.now());
  const server = await emulator({ latencyMs: 30_000, now: clock.now, faults: options.faults });
  const client = new SparkClient({ baseUrl: server.url, apiKey: 'sk-status-test-key', clock });
  const task = await client.createTask(buildCreateBody({ style: resolveStyle('ghibli'), image: { bytes: PHOTO }, returnUrl: true, logo: null }));
  // Fake time races ahead of the real time the emulator takes to draw the picture.
  await server.rendered();
  const configDir = tempDir('spark-style-config-');
  const streams = memoryIO(face, { SPARK_STYLE_CONFIG_DIR: configDir, SPARK_STYLE_API_KEY: 'sk-status-test-key', ...(options.env ?? { NO_COLOR: '1' }) });
  let connected = 0;
  const context: CommandContext = {
    io: streams.io,
    exitCode: ExitCode.OK,
    verbose: false,
    clock,
    argv: ['node', 'spark-style', 'status', task.id],
    env: streams.io.env,
    connect: async (target) => {
      connected++;
      expect(target.apiKey?.key).toBe('sk-status-test-key');
      return { client, baseUrl: server.url, emulator: null, close: async () => undefined };
    },
  };
  return { clock, server, task, context, io: streams.io as IO, stdout: streams.stdout, stderr: streams.stderr, connected: () => connected };
}

const status = (setup: Awaited<ReturnType<typeof setUp>>, options: StatusOptions) => runStatus([setup.task.id], options, setup.context);

describe('status --wait, in-process with a fake clock', () => {
  it('in a pipe: waits the task out, saves it, plain lines on stdout, nothing on stderr', async () => {
    const setup = await setUp('pipe');
    const started = setup.clock.now();
    const out = tempDir();
    const code = await status(setup, { wait: true, save: out, timeout: '600' });
    expect(code).toBe(ExitCode.OK);
    expect(setup.connected()).toBe(1);
    expect(setup.clock.now() - started).toBeGreaterThanOrEqual(30_000);
    const saved = join(out, `${setup.task.id}.jpg`);
    expect(existsSync(saved)).toBe(true);
    const lines = setup.stdout().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^${setup.task.id}: completed · \\$\\d+\\.\\d+$`));
    expect(lines).toContain(`  saved: ${saved}`);
    expect(lines.some((line) => line.startsWith('  result: http://127.0.0.1:'))).toBe(true);
    expect(setup.stderr()).toBe('');
  });

  it('on a terminal: a spinner on stderr while it waits, cleared at the end; colour on stdout', async () => {
    const setup = await setUp('tty', { env: {} });
    const code = await status(setup, { wait: true, timeout: '600' });
    expect(code).toBe(ExitCode.OK);
    const stderr = setup.stderr();
    expect(stderr).toContain(`${setup.task.id} · waiting`);
    // Cursor hidden while spinning, shown again, and the line cleared: nothing is left behind.
    expect(stderr).toContain('\u001B[?25l');
    expect(stderr.endsWith('\u001B[?25h')).toBe(true);
    expect(setup.stdout()).toContain(`${setup.task.id}: \u001B[32mcompleted\u001B[39m`);
  });

  it('gives up at --timeout: exit 124, the failure line and a hint with the command that collects it later', async () => {
    const setup = await setUp('pipe');
    const started = setup.clock.now();
    const code = await status(setup, { wait: true, timeout: '10s', save: 'art' });
    expect(code).toBe(ExitCode.TIMEOUT);
    expect(setup.clock.now() - started).toBe(10_000);
    expect(setup.stdout()).toBe('');
    expect(setup.stderr().split('\n')).toEqual([
      `✖ ${setup.task.id}: gave up waiting for task ${setup.task.id} after 10 s; it may still finish`,
      `  hint: collect it later with: spark-style status ${setup.task.id} --wait --save art`,
      '',
    ]);
  });

  it('a failed task is a report (exit 1), in --json too', async () => {
    const setup = await setUp('pipe', { faults: { failEvery: 1, failCode: '003008095' } });
    const code = await status(setup, { wait: true, json: true, timeout: '600' });
    expect(code).toBe(ExitCode.ITEM_FAILED);
    const report = JSON.parse(setup.stdout()) as Record<string, unknown>;
    expect(report).toMatchObject({ task_id: setup.task.id, status: 'failed', error: { code: '003008095' }, saved: [] });
    expect(setup.stderr()).toBe('');
  });
});
