import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Faults } from '../../src/emulator/faults.js';
import { jsonLines } from '../helpers/cli.js';
import { writePhotos } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

/**
 * What a run promises while it creates, through the built CLI against the emulator: Ctrl-C
 * stops creates that wait to retry, a paid task id is never lost, recovery commands reach the
 * same service. What is counted is what a user pays for: the tasks the emulator created.
 */
const KEY = 'sk-guards-0123456789abcdef';

describe('Ctrl-C while creates wait to retry', () => {
  const cases: { name: string; faults: Faults }[] = [
    { name: 'a 429 with Retry-After 30 s (and the batch-wide pause)', faults: { rateLimit: { after: 0, count: 1000, retryAfterSeconds: 30 } } },
    { name: 'a 503 (exponential back-off)', faults: { createError: { status: 503, after: 0, count: 1000 } } },
  ];
  for (const { name, faults } of cases) {
    it(`${name}: nothing is created after Ctrl-C, nothing is left "unknown", the next run sends them`, async () => {
      const server = await cli.emulator({ faults });
      const dir = tempDir();
      const inputs = await writePhotos(dir, 3);
      const configDir = tempDir();
      const args = ['stylize', ...inputs, '--style', 'ghibli', '--out', join(dir, 'out'), '--concurrency', '3', '--json'];
      const env = { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH };
      const run = cli.run(args, { env });
      await run.untilStderr(/retrying in/);
      run.kill('SIGINT');
      const stopped = await run;
      expect(stopped.exitCode).toBe(130);
      expect(server.stats().tasks_created).toBe(0);
      const lines = jsonLines(stopped.stdout);
      const summary = lines.pop()!.summary as Record<string, number>;
      expect(lines.map((line) => [line.status, line.error])).toEqual(
        inputs.map(() => ['cancelled', { code: 'interrupted', message: 'not started: interrupted' }]),
      );
      expect(summary).toMatchObject({ tasks_created: 0, still_running: 0, cancelled: 3, interrupted: 0 });
      expect(stopped.stderr).toContain('interrupted: no task is left running on the server. Run the same command again to do the rest:');

      server.setFaults({});
      const received = server.stats().creates_received;
      const again = await cli.run(args, { env });
      expect(again.exitCode).toBe(0);
      // Sent normally (no "outcome unknown", no --resend-unknown needed), once each.
      expect(
        jsonLines(again.stdout)
          .slice(0, -1)
          .map((line) => line.status),
      ).toEqual(['saved', 'saved', 'saved']);
      expect(server.stats().tasks_created).toBe(3);
      expect(server.stats().creates_received - received).toBe(3);
    });
  }
});

describe('a paid task id is never lost', () => {
  it('a server answering an id the ledger already holds: the task is waited for and saved anyway, with a warning naming the id', async () => {
    const server = await cli.emulator({ faults: { hostileTaskId: 'sameid123' } });
    const dir = tempDir();
    const [first, second] = await writePhotos(dir, 2);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const env = { SPARK_STYLE_API_KEY: KEY };
    const one = await cli.run(['stylize', first!, '--style', 'ghibli', '--out', out, '--base-url', server.url], { env, configDir });
    expect(one.exitCode).toBe(0);
    const args = ['stylize', second!, '--style', 'ghibli', '--out', out, '--base-url', server.url, '--json'];
    const two = await cli.run(args, { env, configDir });
    expect(server.stats().tasks_created).toBe(2);
    expect(two.exitCode, two.stderr).toBe(0);
    const [item, summary] = jsonLines(two.stdout);
    expect(item).toMatchObject({ status: 'saved', task_id: 'sameid123' });
    expect(existsSync(item!.output as string)).toBe(true);
    expect((summary!.summary as Record<string, number>).tasks_created).toBe(1);
    expect(two.stderr).toMatch(/the ledger could not record task sameid123 \(.+\); waiting for it and saving it anyway/);
    expect(two.stderr).not.toContain(KEY);
    // The ledger never learnt the id, but the file is there: the same command pays nothing again.
    const three = await cli.run(args, { env, configDir });
    expect(three.exitCode, three.stderr).toBe(0);
    expect(jsonLines(three.stdout)[0]).toMatchObject({ status: 'skipped' });
    expect(server.stats().tasks_created).toBe(2);
  });
});

describe('recovery commands', () => {
  it('the command printed after --timeout names the --base-url the run used, and works as printed', async () => {
    const server = await cli.emulator({ faults: { neverFinish: true } });
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    const configDir = tempDir();
    const env = { SPARK_STYLE_API_KEY: KEY };
    const result = await cli.run(['stylize', photo!, '--style', 'doll', '--timeout', '2s', '--base-url', server.url], { env, configDir });
    expect(result.exitCode).toBe(124);
    const printed = /spark-style (status \S+ --wait --save \S+ --base-url \S+)/.exec(result.stderr)![1]!;
    expect(printed).toContain(`--base-url ${server.url}`);
    expect(result.stderr).not.toContain(KEY);

    server.setFaults({});
    // As printed: runCli's own default base URL is a port where nothing listens.
    const collected = await cli.run(printed.split(' '), { env, configDir });
    expect(collected.exitCode).toBe(0);
    expect(server.stats().tasks_created).toBe(1);
  });

  it('Ctrl-C in an --offline run says the tasks were offline and free, not that a later run collects them', async () => {
    const dir = tempDir();
    const inputs = await writePhotos(dir, 2);
    const args = ['stylize', ...inputs, '--style', 'ghibli', '--out', join(dir, 'out'), '--offline', '--verbose'];
    const env = { SPARK_STYLE_CONFIG_DIR: tempDir(), NO_COLOR: '1', PATH: process.env.PATH };
    const run = cli.run(args, { env });
    await run.untilStderr(/POST \S+ -> 200/);
    run.kill('SIGINT');
    const stopped = await run;
    expect(stopped.exitCode).toBe(130);
    expect(stopped.stderr).toMatch(
      /interrupted: [12] tasks? (was|were) running in the offline emulator \(free\), which stopped with this run\. Running the same command again redoes what was not saved:/,
    );
    expect(stopped.stderr).not.toContain('without paying again');
    // The summary line too: the emulator's tasks stopped with it, none is "still running on the server".
    expect(stopped.stderr).toMatch(/interrupted [12] \(stopped with the offline emulator\)/);
    expect(stopped.stderr).not.toContain('still running on the server');
  });

  it('--timeout in an --offline run says to run the same command again, not to collect the task later', async () => {
    const dir = tempDir();
    const [input] = await writePhotos(dir, 1);
    // The built-in emulator takes 2.5 s per task: a 1 s --timeout gives up first.
    const result = await cli.run(['stylize', input!, '--style', 'ghibli', '--out', join(dir, 'out'), '--offline', '--timeout', '1s']);
    expect(result.exitCode).toBe(124);
    expect(result.stderr).toMatch(/gave up waiting for task \S+ after 1 s \(--timeout\); the offline emulator stops with this run/);
    expect(result.stderr).toContain('running the same command again redoes it (free, as every --offline task is)');
    expect(result.stderr).not.toMatch(/collect it later|spark-style status/);
  });
});
