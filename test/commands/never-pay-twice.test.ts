import { copyFileSync, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { buildCreateBody } from '../../src/api/request-body.js';
import { resolveStyle, type Style } from '../../src/catalog/styles.js';
import { systemClock } from '../../src/core/clock.js';
import { prepareFile } from '../../src/image/prepare.js';
import { itemKey } from '../../src/ledger/item-key.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { resultOptions, type RunSettings } from '../../src/runner/run-settings.js';
import { jsonLines } from '../helpers/cli.js';
import { commandHarness } from '../helpers/command.js';
import { makeImage, writePhotos } from '../helpers/images.js';
import { ledgerRows } from '../helpers/ledger.js';
import { tempDir } from '../helpers/tmp.js';

const cli = commandHarness();

/** A dry run's cost fields when the ledger has no price yet. */
const NO_PRICE = { expected_cost_usd: null, price_basis: null, prices_usd: expect.any(Object), budget_usd: null, tasks_within_budget: null };

/**
 * "Never pay twice" for what needs no process of its own: results that are not images, plans
 * that agree with runs, copies of one photo, an old journal, a ledger that is a link. The
 * interruptions (SIGKILL at exact moments, one SIGINT/SIGTERM/SIGHUP, two runs at once) run
 * against the built CLI in test/e2e/never-pay-twice.test.ts.
 */
const KEY = 'sk-ledger-0123456789abcdef';
const DEFAULTS: RunSettings = {
  overwrite: false,
  returnUrl: true,
  logo: null,
  timeoutMs: 600_000,
  retryFailed: false,
  resendUnknown: false,
  fix: null,
  saving: { provenance: true, keepGps: false, rescueFolder: null },
};

function start(args: string[], configDir: string, url: string) {
  return cli.run(args, { env: { SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1' } });
}

const UNKNOWN_LINE = /✖ (\S+) \(([\w-]+)\): outcome unknown: .*nothing was sent again.*--resend-unknown/g;

describe('never paying twice, in-process', () => {
  it('a result that is an HTML page is retried, then fails in one line with no .bin; the next run collects it for free', async () => {
    const server = await cli.emulator({ faults: { htmlResult: { count: 3 } } });
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const args = ['stylize', photo!, '--style', 'watercolor', '--out', out];
    const first = await start(args, configDir, server.url);
    expect(first.exitCode).toBe(1);
    expect(first.stderr.split('\n').filter((line) => line.startsWith('✖'))).toEqual([
      `✖ ${photo} (watercolor): the result host answered text/html, not an image`,
    ]);
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(ledgerRows(configDir).map((row) => row.status)).toEqual(['open']);

    // One more bad answer: retried as transient, then saved. No new task either time.
    server.setFaults({ htmlResult: { count: 1 } });
    const second = await start(args, configDir, server.url);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toBe(join(out, 'photo-1.watercolor.jpg'));
    expect(readdirSync(out)).toEqual(['photo-1.watercolor.jpg']);
    expect(server.stats().tasks_created).toBe(1);
    expect(ledgerRows(configDir)).toMatchObject([{ status: 'saved', output: join(out, 'photo-1.watercolor.jpg'), cost: '0.0300' }]);
  });

  it('--dry-run, --max-tasks and the real run agree on a mixed batch', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const inputs = await writePhotos(dir, 6);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const ghibli = resolveStyle('ghibli');
    // photo-1: its result exists. photo-2: an open task from an earlier run. photo-3: a task that
    // failed. photo-4: a create whose answer never came. photo-5, photo-6: new.
    writeFileSync(join(dir, 'existing.jpg'), await makeImage(32, 32));
    mkdirSync(out);
    copyFileSync(join(dir, 'existing.jpg'), join(out, 'photo-1.ghibli.jpg'));
    const ledger = SqliteLedger.open(join(configDir, 'ledger.db'), systemClock);
    const openTask = await createdTask(server.url, inputs[1]!, ghibli);
    await ledger.recordAnswer(await ledger.recordIntent(await intentFor(inputs[1]!, ghibli, out)), openTask);
    const failedAttempt = await ledger.recordIntent(await intentFor(inputs[2]!, ghibli, out));
    await ledger.recordAnswer(failedAttempt, 'earlier-failed-task');
    await ledger.recordFailed('earlier-failed-task', '003008095');
    await ledger.recordIntent(await intentFor(inputs[3]!, ghibli, out));
    await ledger.close();
    const before = server.stats().tasks_created;
    const args = ['stylize', ...inputs, '--style', 'ghibli', '--out', out];

    const dry = await start([...args, '--dry-run', '--json'], configDir, server.url);
    expect(dry.exitCode).toBe(0);
    const plan = jsonLines(dry.stdout);
    expect(plan.pop()).toEqual({ summary: { dry_run: true, tasks_to_create: 2, to_collect: 1, to_skip: 1, refused: 1, unknown: 1, ...NO_PRICE } });
    expect(plan.map((line) => [basename(line.input as string), line.action])).toEqual([
      ['photo-1.jpg', 'skip'],
      ['photo-2.jpg', 'collect'],
      ['photo-3.jpg', 'refuse'],
      ['photo-4.jpg', 'unknown'],
      ['photo-5.jpg', 'create'],
      ['photo-6.jpg', 'create'],
    ]);

    const refused = await start([...args, '--max-tasks', '1'], configDir, server.url);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('this run would create 2 tasks, more than --max-tasks 1; nothing was sent');
    expect(server.stats().creates_received).toBe(before);

    const real = await start([...args, '--max-tasks', '2', '--json'], configDir, server.url);
    expect(real.exitCode).toBe(4);
    const results = jsonLines(real.stdout);
    expect(results.pop()).toMatchObject({ summary: { saved: 3, skipped: 1, failed: 2, tasks_created: 2 } });
    // Lines come as items finish; in input order for the comparison.
    results.sort((a, b) => String(a.input).localeCompare(String(b.input)));
    expect(results.map((line) => [basename(line.input as string), line.status, (line.error as { code?: string } | null)?.code ?? null])).toEqual([
      ['photo-1.jpg', 'skipped', null],
      ['photo-2.jpg', 'saved', null],
      ['photo-3.jpg', 'failed', '003008095'],
      ['photo-4.jpg', 'failed', 'outcome-unknown'],
      ['photo-5.jpg', 'saved', null],
      ['photo-6.jpg', 'saved', null],
    ]);
    expect(results[1]!.task_id).toBe(openTask);
    expect(server.stats().tasks_created).toBe(before + 2);
    expect([...real.stderr.matchAll(UNKNOWN_LINE)].map((match) => match[1])).toEqual([inputs[3]]);
  });

  it('copies of one photo in a batch: the plan and the run both pay once and save both', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    mkdirSync(join(dir, 'copy'));
    copyFileSync(photo!, join(dir, 'copy', 'again.jpg'));
    const configDir = tempDir();
    const args = ['stylize', photo!, join(dir, 'copy', 'again.jpg'), '--style', 'clay', '--concurrency', '2'];
    const dry = await start([...args, '--dry-run', '--json'], configDir, server.url);
    expect(jsonLines(dry.stdout).map((line) => line.action ?? line.summary)).toEqual([
      'create',
      'collect',
      { dry_run: true, tasks_to_create: 1, to_collect: 1, to_skip: 0, refused: 0, unknown: 0, ...NO_PRICE },
    ]);
    const real = await start([...args, '--max-tasks', '1'], configDir, server.url);
    expect(real.exitCode).toBe(0);
    expect(real.stdout.split('\n').sort()).toEqual([join(dir, 'copy', 'again.clay.jpg'), join(dir, 'photo-1.clay.jpg')]);
    expect(server.stats().tasks_created).toBe(1);
  });

  it('status --save refuses to save a result that is not an image', async () => {
    const server = await cli.emulator({ faults: { htmlResult: { count: 1 } } });
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    const taskId = await createdTask(server.url, photo!, resolveStyle('clay'));
    const save = join(dir, 'saved');
    const result = await start(['status', taskId, '--wait', '--save', save], tempDir(), server.url);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(`✖ ${taskId}: the result host answered text/html, not an image`);
    expect(existsSync(save) ? readdirSync(save).filter((name) => !name.startsWith('.')) : []).toEqual([]);
  });

  it('imports an old journal.jsonl once: its open task is collected, not paid again, and the file is kept as a backup', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const style = resolveStyle('monet');
    const taskId = await createdTask(server.url, photo!, style);
    const intent = await intentFor(photo!, style, out);
    const record = {
      event: 'created',
      at: new Date().toISOString(),
      task_id: taskId,
      key: intent.key,
      input: photo,
      input_sha256: intent.inputSha256,
      style: style.alias,
      req_key: style.reqKey,
      sub_req_key: style.subReqKey,
      options: intent.options,
      output_base: intent.outputBase,
    };
    writeFileSync(join(configDir, 'journal.jsonl'), `${JSON.stringify(record)}\n`, { mode: 0o600 });
    const result = await start(['stylize', photo!, '--style', 'monet', '--out', out], configDir, server.url);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('0 tasks created');
    expect(server.stats().tasks_created).toBe(1);
    expect(existsSync(join(out, 'photo-1.monet.jpg'))).toBe(true);
    expect(existsSync(join(configDir, 'journal.jsonl'))).toBe(false);
    expect(existsSync(join(configDir, 'journal.jsonl.imported'))).toBe(true);
    expect(ledgerRows(configDir)).toMatchObject([{ task_id: taskId, status: 'saved' }]);
  });

  it('refuses a ledger that is a symbolic link, in one line, before sending anything', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    const configDir = tempDir();
    writeFileSync(join(dir, 'other.db'), '');
    symlinkSync(join(dir, 'other.db'), join(configDir, 'ledger.db'));
    const result = await start(['stylize', photo!, '--style', 'clay'], configDir, server.url);
    expect(result.exitCode).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(`error: refusing to open the task ledger ${join(configDir, 'ledger.db')}: it is a symbolic link`);
    expect(result.stderr).not.toContain('    at ');
    expect(server.stats().creates_received).toBe(0);
  });
});

/** A task created on the emulator the way an earlier run would have, through the real client over HTTP. */
async function createdTask(url: string, photo: string, style: Style): Promise<string> {
  const prepared = await prepareFile(photo, null);
  const client = new SparkClient({ baseUrl: url, apiKey: KEY });
  const task = await client.createTask(buildCreateBody({ style, image: { bytes: prepared.bytes }, returnUrl: true, logo: null }));
  return task.id;
}

async function intentFor(photo: string, style: Style, out: string) {
  const prepared = await prepareFile(photo, null);
  const options = resultOptions(DEFAULTS);
  return {
    key: itemKey({ inputSha256: prepared.sha256, reqKey: style.reqKey, subReqKey: style.subReqKey, options }),
    input: photo,
    inputSha256: prepared.sha256,
    style: style.alias,
    reqKey: style.reqKey,
    subReqKey: style.subReqKey,
    options,
    outputBase: join(out, `${basename(photo, '.jpg')}.${style.alias}`),
  };
}
