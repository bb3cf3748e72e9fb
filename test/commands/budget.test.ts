import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, PHOTOS } from '../helpers/cli.js';
import { writePhotos } from '../helpers/images.js';
import { fillLedger, ledgerIn, row } from '../helpers/ledger-fixture.js';
import { heldCreates } from '../helpers/held-creates.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-budget-0123456789abcdef';
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });

/** A config folder whose ledger has seen these costs for a style (as earlier runs would leave). */
async function configWithPrices(style: string, costs: readonly string[]): Promise<string> {
  const configDir = tempDir();
  await fillLedger(
    ledgerIn(configDir),
    costs.map((cost, index) => row({ at: `2026-11-0${index + 1}T10:00:00Z`, input: `/old/${index}.jpg`, style, task_id: `old${index}`, cost })),
  );
  return configDir;
}

type Summary = Record<string, unknown>;
const summaryOf = (stdout: string) => (jsonLines(stdout).pop() as { summary: Summary }).summary;

describe('--budget', () => {
  it('starts only the tasks that fit, exits 5 with the command that continues, and that command finishes the batch', async () => {
    const server = await cli.emulator({ costPerTask: '0.0300' });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 6);
    const configDir = await configWithPrices('ghibli', ['0.0300', '0.0300']);
    const args = ['stylize', ...inputs, '--style', 'ghibli', '--out', join(dir, 'out'), '--budget', '0.10', '--concurrency', '3', '--json'];
    const first = await cli.run(args, { env: against(server.url), configDir });
    expect(first.exitCode).toBe(5);
    expect(server.stats().tasks_created).toBe(3);
    const lines = jsonLines(first.stdout);
    const summary = (lines.pop() as { summary: Summary }).summary;
    expect(lines.filter((line) => line.status === 'saved')).toHaveLength(3);
    const held = lines.filter((line) => line.status === 'cancelled');
    expect(held).toHaveLength(3);
    for (const line of held) expect(line).toMatchObject({ task_id: null, output: null, error: { code: 'budget' } });
    expect(summary).toMatchObject({ tasks_created: 3, cost_usd: '0.0900', budget_usd: '0.1000', spent_usd: '0.0900', not_started_budget: 3, cancelled: 3 });
    expect(first.stderr).toContain('budget: 3 items not started, as they could take the run over --budget $0.10');
    expect(first.stderr).toContain('they would cost about $0.09');
    expect(first.stderr).toContain('To continue, run the same command again: it skips what is done');
    expect(first.stderr).toContain(`--budget 0.10 --concurrency 3 --json`);
    expect(first.stderr).not.toContain(KEY);
    expect(first.stderr).toContain('of the $0.1000 budget');

    const again = await cli.run(args, { env: against(server.url), configDir });
    expect(again.exitCode).toBe(0);
    expect(summaryOf(again.stdout)).toMatchObject({ saved: 3, skipped: 3, tasks_created: 3, spent_usd: '0.0900', not_started_budget: 0 });
    expect(server.stats().tasks_created).toBe(6);
  });

  it('with no price known yet, creates one task and waits for its cost before creating more', async () => {
    let downloadsAtSecondCreate = -1;
    const server = await cli.emulator({
      costPerTask: '0.0200',
      onCreateReceived: (count) => {
        if (count === 2) downloadsAtSecondCreate = server.stats().result_downloads;
      },
    });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 4);
    const result = await cli.run(['stylize', ...inputs, '--style', 'clay', '--out', join(dir, 'out'), '--budget', '0.05', '--concurrency', '4', '--json'], {
      env: against(server.url),
    });
    // The first task's result was downloaded (its cost known) before the second create left.
    expect(downloadsAtSecondCreate).toBe(1);
    // 0.02 learned: two more fit 0.05 (0.06 would not).
    expect(server.stats().tasks_created).toBe(2);
    expect(result.exitCode).toBe(5);
    expect(summaryOf(result.stdout)).toMatchObject({ saved: 2, not_started_budget: 2, spent_usd: '0.0400', budget_usd: '0.0500' });
  });

  it('a service that reports no cost for the first task: nothing more is created, and the run says why', async () => {
    const server = await cli.emulator({ costPerTask: '0.0300', faults: { oddCost: null } });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 8);
    const result = await cli.run(['stylize', ...inputs, '--style', 'ghibli', '--out', join(dir, 'out'), '--budget', '0.05', '--concurrency', '4', '--json'], {
      env: against(server.url),
    });
    expect(server.stats().tasks_created).toBe(1);
    expect(result.exitCode).toBe(5);
    const held = jsonLines(result.stdout).filter((line) => line.status === 'cancelled');
    expect(held).toHaveLength(7);
    for (const line of held)
      expect(line).toMatchObject({
        error: { code: 'budget', message: expect.stringContaining('the service reported no cost for the first task, so --budget cannot be kept') },
      });
    expect(result.stderr).toContain('run without --budget or with --max-tasks');
    expect(result.stderr).not.toContain('could take the run over');
  });

  it('with no price known and several styles, still one task first: a price learned for one style prices them all', async () => {
    const server = await cli.emulator({ costPerTask: '0.0300' });
    const dir = tempDir();
    const [input] = await writePhotos(dir, 1);
    const result = await cli.run(
      ['stylize', input!, '--style', 'ghibli,clay,marvel,anime', '--out', join(dir, 'out'), '--budget', '0.07', '--concurrency', '4', '--json'],
      { env: against(server.url) },
    );
    expect(result.exitCode).toBe(5);
    expect(server.stats().tasks_created).toBe(2);
    expect(summaryOf(result.stdout)).toMatchObject({ saved: 2, not_started_budget: 2, cost_usd: '0.0600', spent_usd: '0.0600' });
    expect(result.stderr).toContain('budget: 2 items not started');
  });

  it('an interrupted run counts the tasks left running at their estimated price', async () => {
    // Both creates' answers are held until the run is told to stop: no task can finish first,
    // however long the second photo takes to prepare on a loaded machine.
    const creates = heldCreates(2);
    const server = await cli.emulator({ latencyMs: 60_000, costPerTask: '0.0300', beforeCreateAnswer: creates.hook });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 4);
    const configDir = await configWithPrices('anime', ['0.0300']);
    const args = ['stylize', ...inputs, '--style', 'anime', '--out', join(dir, 'out'), '--budget', '1', '--concurrency', '2', '--json'];
    const env = { ...against(server.url), SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH };
    const run = cli.run(args, { env });
    await creates.allHeld;
    run.kill('SIGINT');
    await run.untilStderr(/stopping: no new tasks/);
    creates.release();
    const interrupted = await run;
    expect(interrupted.exitCode).toBe(130);
    expect(summaryOf(interrupted.stdout)).toMatchObject({
      still_running: 2,
      tasks_created: 2,
      cost_usd: '0.0000',
      spent_usd: '0.0600',
      spent_estimated_tasks: 2,
      budget_usd: '1.0000',
    });
    expect(interrupted.stderr).toContain('$0.0600 (2 tasks at the estimated price) counted against the $1.0000 budget');
    expect(server.stats().tasks_created).toBe(2);
  });

  it('a dry run shows the expected cost from the ledger and how many tasks fit the budget', async () => {
    const dir = tempDir();
    const inputs = await writePhotos(dir, 2);
    const configDir = await configWithPrices('ghibli', ['0.0300', '0.0500', '0.0400']);
    const priced = await cli.run(['stylize', ...inputs, '--style', 'ghibli,clay', '--budget', '0.10', '--dry-run', '--json'], { configDir });
    expect(priced.exitCode).toBe(0);
    expect(summaryOf(priced.stdout)).toMatchObject({
      tasks_to_create: 4,
      expected_cost_usd: '0.1600',
      // clay was never used here: priced at the median over every style.
      price_basis: 'all-styles',
      prices_usd: { ghibli: '0.0400', clay: '0.0400' },
      budget_usd: '0.1000',
      tasks_within_budget: 2,
    });
    expect(priced.stderr).toContain('expected cost: about $0.16, $0.04 a task');
    expect(priced.stderr).toContain('--budget $0.10: 2 of the 4 tasks fit; the other 2 would not be started');

    const human = await cli.run(['stylize', inputs[0]!, '--style', 'ghibli', '--dry-run'], { configDir });
    expect(human.stderr).toContain("expected cost: about $0.04, $0.04 a task (the median usage.cost of each style's recent tasks in the task ledger)");

    const unknown = await cli.run(['stylize', ...inputs, '--style', 'ghibli', '--budget', '5', '--dry-run', '--json']);
    expect(summaryOf(unknown.stdout)).toMatchObject({
      tasks_to_create: 2,
      expected_cost_usd: null,
      price_basis: null,
      prices_usd: { ghibli: null },
      tasks_within_budget: null,
    });
    expect(unknown.stderr).toContain('expected cost: price not known yet');
    expect(unknown.stderr).toContain('the run creates one task first and waits for its cost');
  });

  it('--max-tasks still counts every task the plan needs, and says what the budget would let through', async () => {
    const dir = tempDir();
    const inputs = await writePhotos(dir, 3);
    const configDir = await configWithPrices('ghibli', ['0.0300']);
    const result = await cli.run(['stylize', ...inputs, '--style', 'ghibli', '--budget', '0.06', '--max-tasks', '2'], { configDir });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('this run would create 3 tasks, more than --max-tasks 2 (--budget $0.06 would let about 2 through); nothing was sent');
    const bad = await cli.run(['stylize', ...inputs, '--style', 'ghibli', '--budget', 'lots']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('Expected an amount in US dollars');
  });
});

describe('sheet takes every run option of stylize', () => {
  it('lists the same run options with the same help', async () => {
    const optionLines = (help: string) =>
      help
        .split('\n')
        .filter((line) => /^ {2}(-\w, )?--[\w-]+/.test(line))
        .map((line) => line.trim().replace(/\s{2,}/, ' | '));
    const stylize = optionLines((await cli.run(['stylize', '--help'])).stdout);
    const sheet = new Set(optionLines((await cli.run(['sheet', '--help'])).stdout));
    const differ = stylize.filter((line) => !sheet.has(line));
    // Only --out differs: its default is beside the sheet, and -o is the sheet's own file.
    expect(differ).toEqual([expect.stringMatching(/^-o, --out <dir>/)]);
    for (const flag of [
      '--budget <usd>',
      '--shard <K/N>',
      '--name <template>',
      '--no-provenance',
      '--keep-gps',
      '--resend-unknown',
      '--watermark-text <text>',
    ]) {
      expect([...sheet].some((line) => line.startsWith(flag))).toBe(true);
    }
  });

  it('runs with --shard, --name and --budget: a shard of the styles, named by the template, held to the budget', async () => {
    const server = await cli.emulator({ costPerTask: '0.0300' });
    const dir = tempDir();
    const input = join(dir, 'bridge.jpg');
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), input);
    const configDir = await configWithPrices('ghibli', ['0.0300']);
    const common = [input, '--style', 'all', '--shard', '1/2', '--name', '{style}/{stem}.{ext}', '--out', join(dir, 'art')];
    const plan = await cli.run(['sheet', ...common, '--dry-run', '--json', '--budget', '0.06'], { configDir });
    const planned = jsonLines(plan.stdout);
    const planSummary = (planned.pop() as { summary: Summary }).summary;
    const shard = planned.map((line) => line.style as string);
    expect(shard.length).toBeGreaterThan(2);
    expect(shard.length).toBeLessThan(22);
    expect(planSummary).toMatchObject({ tasks_to_create: shard.length, tasks_within_budget: 2 });

    const sheetPath = join(dir, 'shard-1.jpg');
    const report = join(dir, 'report.html');
    const run = await cli.run(['sheet', ...common, '-o', sheetPath, '--width', '640', '--budget', '0.06', '--json', '--report', report], {
      env: against(server.url),
      configDir,
    });
    expect(run.exitCode).toBe(5);
    expect(server.stats().tasks_created).toBe(2);
    const lines = jsonLines(run.stdout);
    const sheet = (lines.pop() as { sheet: Record<string, unknown> }).sheet;
    const summary = (lines.pop() as { summary: Summary }).summary;
    expect(new Set(lines.map((line) => line.style))).toEqual(new Set(shard));
    const saved = lines.filter((line) => line.status === 'saved');
    expect(saved).toHaveLength(2);
    for (const line of saved) expect(line.output).toBe(join(dir, 'art', line.style as string, 'bridge.jpg'));
    expect(summary).toMatchObject({ spent_usd: '0.0600', not_started_budget: shard.length - 2 });
    expect(sheet).toMatchObject({ path: sheetPath, styles: shard.length, missing: shard.length - 2 });
    expect(existsSync(sheetPath)).toBe(true);
    expect(readFileSync(report, 'utf8')).toContain(`<li>budget <b>$0.0600 of $0.0600</b> (${shard.length - 2} not started)</li>`);
  });
});
