import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSparkStyle, ExitCode, type RunEvent, type SparkStyleOptions, UsageError } from '../../src/index.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { makeImage, writePhotos } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';
import { writeFileSync } from 'node:fs';

/**
 * The public API in-process, as a program uses it: real photos, real HTTP to the emulator on
 * loopback, the emulator and the client on one fake clock (tasks of 10 s end without anyone
 * waiting), and a state folder of its own. Every payment is counted on the emulator.
 */
async function setUp(options: { costPerTask?: string; onTaskCreated?: (count: number) => void } = {}) {
  const clock = fakeClock(Date.UTC(2030, 5, 1));
  const server = await emulator({
    latencyMs: 10_000,
    now: clock.now,
    plain: true,
    costPerTask: options.costPerTask ?? '0.0300',
    onTaskCreated: options.onTaskCreated,
  });
  const dir = tempDir();
  const photos = await writePhotos(dir, 4);
  const stateDir = join(dir, 'state');
  const clientOptions: SparkStyleOptions = {
    clock,
    stateDir,
    connect: async () => ({ baseUrl: server.url, apiKey: 'sk-library-test' }),
  };
  return { clock, server, dir, photos, out: join(dir, 'art'), client: createSparkStyle(clientOptions), clientOptions };
}

async function collect(run: AsyncIterable<RunEvent>): Promise<RunEvent[]> {
  const events: RunEvent[] = [];
  for await (const event of run) events.push(event);
  return events;
}

describe('the library API', () => {
  it('styles: the 22 styles, with the keys the API takes', () => {
    const styles = createSparkStyle().styles();
    expect(styles).toHaveLength(22);
    expect(styles.find((style) => style.alias === 'ghibli')).toMatchObject({ req_key: expect.any(String), name: expect.any(String) });
  });

  it('check: the verdict with every rule broken', async () => {
    const dir = tempDir();
    const small = join(dir, 'small.jpg');
    writeFileSync(small, await makeImage(300, 200));
    const good = join(dir, 'good.jpg');
    writeFileSync(good, await makeImage(900, 700));
    const client = createSparkStyle();
    expect(await client.check(good)).toMatchObject({ ok: true, format: 'jpeg', width: 900, height: 700, errors: [] });
    const verdict = await client.check(small);
    expect(verdict.ok).toBe(false);
    expect(verdict.errors.map((error) => error.rule)).toContain('min-size');
    expect(verdict.fixable).toBe(true);
  });

  it('plan: the decision, output and shortened body of each item, and the cost; nothing is sent', async () => {
    const setup = await setUp();
    const plan = await setup.client.plan(setup.photos, { styles: ['ghibli', 'clay'], outDir: setup.out });
    expect(plan.items).toHaveLength(8);
    expect(plan.items.every((item) => item.action === 'create')).toBe(true);
    expect(plan.items[0]!.output).toBe(join(setup.out, 'photo-1.ghibli.*'));
    expect(JSON.stringify(plan.items[0]!.body).length).toBeLessThan(2000);
    expect(plan.summary).toMatchObject({ dry_run: true, tasks_to_create: 8, expected_cost_usd: null });
    expect(setup.server.stats().creates_received).toBe(0);
    expect(existsSync(join(setup.dir, 'state', 'ledger.db'))).toBe(false);
  });

  it('stylize: typed events, every result, and the same call again pays nothing', async () => {
    const setup = await setUp();
    const run = setup.client.stylize(setup.photos, { styles: 'ghibli', outDir: setup.out, concurrency: 2 });
    const events = await collect(run);
    const result = await run.result;
    expect(events[0]).toEqual({ type: 'run-started', total: 4, offline: false });
    expect(events.filter((event) => event.type === 'task-created')).toHaveLength(4);
    expect(events.filter((event) => event.type === 'item-finished')).toHaveLength(4);
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', summary: { saved: 4, tasks_created: 4, cost_usd: '0.1200' } });
    expect(result.exitCode).toBe(ExitCode.OK);
    expect(result.items.map((item) => item.status)).toEqual(['saved', 'saved', 'saved', 'saved']);
    for (const item of result.items) expect(existsSync(item.output!)).toBe(true);
    expect(setup.server.stats().tasks_created).toBe(4);

    const again = await setup.client.stylize(setup.photos, { styles: 'ghibli', outDir: setup.out }).result;
    expect(again.items.map((item) => item.status)).toEqual(['skipped', 'skipped', 'skipped', 'skipped']);
    expect(setup.server.stats().creates_received).toBe(4);

    // A second client on the same state folder (another program, or the CLI) sees the same ledger.
    const history = await createSparkStyle(setup.clientOptions).history({ status: 'saved' });
    expect(history).toHaveLength(4);
    expect(history.every((entry) => entry.style === 'ghibli' && entry.cost === '0.0300')).toBe(true);
  });

  it('a budget: the first task alone, then only what fits; the rest held back with exit code 5', async () => {
    const setup = await setUp();
    const run = setup.client.stylize(setup.photos, { styles: 'ghibli', outDir: setup.out, budget: 0.05, concurrency: 4 });
    const result = await run.result;
    expect(setup.server.stats().tasks_created).toBe(1);
    expect(result.summary).toMatchObject({ saved: 1, not_started_budget: 3, budget_usd: '0.0500', spent_usd: '0.0300' });
    expect(result.budgetStop?.held).toHaveLength(3);
    expect(result.exitCode).toBe(ExitCode.BUDGET);
  });

  it('an abort in the middle stops cleanly; the same call again collects what was paid for, and pays only for the rest', async () => {
    const controller = new AbortController();
    const setup = await setUp({ onTaskCreated: (count) => count === 2 && controller.abort() });
    const run = setup.client.stylize(setup.photos, { styles: 'ghibli', outDir: setup.out, concurrency: 1, signal: controller.signal });
    const events = await collect(run);
    const result = await run.result;
    expect(events.some((event) => event.type === 'notice' && event.code === 'stopping')).toBe(true);
    expect(result.interrupted).toBe(true);
    expect(result.exitCode).toBe(ExitCode.INTERRUPTED);
    expect(result.items.map((item) => item.status)).toEqual(['saved', 'interrupted', 'cancelled', 'cancelled']);
    expect(setup.server.stats().tasks_created).toBe(2);

    const resumed = await setup.client.stylize(setup.photos, { styles: 'ghibli', outDir: setup.out, concurrency: 1 }).result;
    expect(resumed.items.map((item) => item.status)).toEqual(['skipped', 'saved', 'saved', 'saved']);
    expect(resumed.items[1]!.created).toBe(false);
    expect(setup.server.stats().tasks_created).toBe(4);
  });

  it('errors are typed, with a stable code and the exit code the CLI gives them', async () => {
    const setup = await setUp();
    const run = setup.client.stylize(setup.photos, { styles: 'ghibli', outDir: setup.out, maxTasks: 2 });
    const error = await run.result.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect(error).toMatchObject({ code: 'max-tasks', exitCode: ExitCode.USAGE });
    await expect(collect(run)).rejects.toThrow(/more than --max-tasks 2/);
    expect(setup.server.stats().creates_received).toBe(0);
    await expect(setup.client.plan(setup.photos, { styles: 'no-such-style' })).rejects.toMatchObject({ exitCode: ExitCode.USAGE });
  });
});

describe('a program and the CLI sharing a state folder', () => {
  it('never pay twice between them: the CLI collects the task the program paid for and creates only the rest', async () => {
    const { main } = await import('../../src/cli/main.js');
    const { memoryIO } = await import('../helpers/terminal.js');
    const controller = new AbortController();
    const server = await emulator({ latencyMs: 50, costPerTask: '0.0300', onTaskCreated: (count) => count === 2 && controller.abort() });
    const dir = tempDir();
    const photos = await writePhotos(dir, 3);
    const stateDir = join(dir, 'state');
    const out = join(dir, 'art');
    const program = createSparkStyle({ baseUrl: server.url, apiKey: 'sk-shared', stateDir });
    const first = await program.stylize(photos, { styles: 'ghibli', outDir: out, concurrency: 1, signal: controller.signal }).result;
    expect(first.items.map((item) => item.status)).toEqual(['saved', 'interrupted', 'cancelled']);
    expect(server.stats().tasks_created).toBe(2);

    const cli = memoryIO('pipe', { NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: stateDir, SPARK_STYLE_API_KEY: 'sk-shared', SPARK_STYLE_BASE_URL: server.url });
    const code = await main(['node', 'spark-style', 'stylize', ...photos, '--style', 'ghibli', '--out', out, '--json'], cli.io);
    expect(code).toBe(0);
    const lines = cli
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    // One line per item as each finishes (not in input order), then the summary.
    const byInput = new Map(lines.slice(0, 3).map((line) => [line.input, line]));
    expect(photos.map((photo) => byInput.get(photo)?.status)).toEqual(['skipped', 'saved', 'saved']);
    expect(byInput.get(photos[1]!)?.task_id).toBe(first.items[1]!.task_id);
    expect(server.stats().tasks_created).toBe(3);
  });
});
