import { execa, type ResultPromise } from 'execa';
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
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { CLI, jsonLines } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { makeImage, writePhotos } from '../helpers/images.js';
import { ledgerRows } from '../helpers/ledger.js';
import { tempDir } from '../helpers/tmp.js';

/** A dry run's cost fields when the ledger has no price yet. */
const NO_PRICE = { expected_cost_usd: null, price_basis: null, prices_usd: expect.any(Object), budget_usd: null, tasks_within_budget: null };

/**
 * "Never pay twice": the CLI is killed or signalled at the moments that matter, driven by the
 * emulator's hooks, and then resumed. What is counted is what a user pays for: the tasks the
 * emulator created per (photo, style) pair.
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

/** An emulator whose hooks a test can change between runs, and which counts tasks per (image, style). */
async function countingEmulator(options: EmulatorOptions = {}) {
  const perPair = new Map<string, number>();
  const hooks: Pick<EmulatorOptions, 'onConnection' | 'onCreateReceived' | 'beforeCreateAnswer' | 'onTaskRead'> = {};
  const server = await emulator({
    ...options,
    onTaskCreated: (_count, task) => perPair.set(`${task.imageSha256}/${task.alias}`, (perPair.get(`${task.imageSha256}/${task.alias}`) ?? 0) + 1),
    onConnection: (count) => hooks.onConnection?.(count),
    onCreateReceived: (count) => hooks.onCreateReceived?.(count),
    beforeCreateAnswer: (count) => hooks.beforeCreateAnswer?.(count),
    onTaskRead: (count) => hooks.onTaskRead?.(count),
  });
  return { server, hooks, perPair, mostPerPair: () => Math.max(0, ...perPair.values()) };
}

function start(args: string[], configDir: string, url: string): ResultPromise<{ reject: false }> {
  return execa(process.execPath, [CLI, ...args], {
    env: { SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
}

/** Resolves once the running CLI has written `text` on stderr. */
function whenStderrSays(run: ResultPromise<{ reject: false }>, text: string): Promise<void> {
  return new Promise((resolve) => {
    let seen = '';
    run.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(text)) resolve();
    });
  });
}

const UNKNOWN_LINE = /✖ (\S+) \(([\w-]+)\): outcome unknown: .*nothing was sent again.*--resend-unknown/g;

describe('never paying twice', () => {
  const moments = [
    { name: 'before the create is sent (the connection is open, nothing received yet)', hook: 'onConnection', resumed: 4 },
    { name: 'while the create is on the wire', hook: 'onCreateReceived', resumed: 4 },
    { name: 'after the server created the task, before the answer arrived', hook: 'beforeCreateAnswer', resumed: 4 },
    { name: 'after the answer was recorded (the task is being read)', hook: 'onTaskRead', resumed: 0 },
  ] as const;

  for (const moment of moments) {
    it(`SIGKILL ${moment.name}: resuming pays at most once per item`, async () => {
      const { server, hooks, perPair, mostPerPair } = await countingEmulator();
      const dir = tempDir();
      const inputs = await writePhotos(dir, 3);
      const configDir = tempDir();
      const out = join(dir, 'out');
      const args = ['stylize', ...inputs, '--style', 'ghibli', '--out', out, '--concurrency', '1'];

      const first = start(args, configDir, server.url);
      let killed = false;
      const kill = () => {
        if (killed) return;
        killed = true;
        first.kill('SIGKILL');
      };
      if (moment.hook === 'beforeCreateAnswer') hooks.beforeCreateAnswer = () => (kill(), new Promise<void>(() => undefined));
      else hooks[moment.hook] = kill;
      const dead = await first;
      expect(dead.signal).toBe('SIGKILL');
      delete hooks[moment.hook];
      if (moment.hook === 'beforeCreateAnswer') expect(server.stats().tasks_created).toBe(1);

      const resumed = await start(args, configDir, server.url);
      expect(resumed.exitCode).toBe(moment.resumed);
      expect(mostPerPair()).toBeLessThanOrEqual(1);
      const saved = readdirSync(out).sort();
      if (moment.resumed === 4) {
        // The item cut off is reported in one line, not sent again; the other two are done.
        const unknown = [...resumed.stderr.matchAll(UNKNOWN_LINE)].map((match) => [match[1], match[2]]);
        expect(unknown).toEqual([[inputs[0], 'ghibli']]);
        expect(saved).toEqual(['photo-2.ghibli.jpg', 'photo-3.ghibli.jpg']);
        expect(server.stats().tasks_created).toBe(moment.hook === 'beforeCreateAnswer' ? 3 : perPair.size);

        // The same run again still does not send it; --resend-unknown does, on purpose.
        const again = await start(args, configDir, server.url);
        expect(again.exitCode).toBe(4);
        expect(mostPerPair()).toBeLessThanOrEqual(1);
        const resent = await start([...args, '--resend-unknown'], configDir, server.url);
        expect(resent.exitCode).toBe(0);
        expect(readdirSync(out).sort()).toEqual(['photo-1.ghibli.jpg', 'photo-2.ghibli.jpg', 'photo-3.ghibli.jpg']);
      } else {
        expect(saved).toEqual(['photo-1.ghibli.jpg', 'photo-2.ghibli.jpg', 'photo-3.ghibli.jpg']);
        expect(server.stats().tasks_created).toBe(3);
        expect(resumed.stderr).toContain('saved 3, failed 0 · 2 tasks created');
      }
      const settled = await start(args, configDir, server.url);
      expect(settled.exitCode).toBe(0);
      expect(settled.stderr).toContain('0 tasks created');
    });
  }

  it('one kill after another, with answers that come 1.5 s after the task exists: still at most one task per item', async () => {
    const { server, hooks, perPair, mostPerPair } = await countingEmulator({ faults: { delayAnswer: { after: 0, delayMs: 1500 } } });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 4);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const args = ['stylize', ...inputs, '--style', 'ink-wash,clay', '--out', out, '--concurrency', '3'];
    // Each run is killed at another moment: a create received (its task then exists while the
    // answer waits 1.5 s), a connection opened, a task read, a create received.
    const killAt: (keyof typeof hooks)[] = ['onCreateReceived', 'onConnection', 'onTaskRead', 'onCreateReceived'];
    for (const hook of killAt) {
      const run = start(args, configDir, server.url);
      let done = false;
      hooks[hook] = () => {
        if (done) return;
        done = true;
        run.kill('SIGKILL');
      };
      const result = await run;
      delete hooks[hook];
      if (result.signal !== 'SIGKILL') break; // the batch finished before the moment came
      expect(mostPerPair()).toBeLessThanOrEqual(1);
    }
    server.setFaults({});
    const resumed = await start(args, configDir, server.url);
    expect([0, 4], resumed.stderr).toContain(resumed.exitCode);
    expect(mostPerPair()).toBeLessThanOrEqual(1);
    const unknown = [...resumed.stderr.matchAll(UNKNOWN_LINE)].map((match) => `${basename(match[1]!, '.jpg')}.${match[2]}.jpg`);
    // Every pair is either saved or reported as unknown, never both, never neither.
    expect([...readdirSync(out), ...unknown].sort()).toEqual(
      inputs.flatMap((input) => ['ink-wash', 'clay'].map((style) => `${basename(input, '.jpg')}.${style}.jpg`)).sort(),
    );
    expect(perPair.size).toBeLessThanOrEqual(8);
  });

  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    it(`one ${signal} (conf loaded, so when-exit re-sends it) stops gracefully: creates on the wire are recorded, summary, exit 130`, async () => {
      const { server, hooks, mostPerPair } = await countingEmulator();
      const dir = tempDir();
      const inputs = await writePhotos(dir, 4);
      const configDir = tempDir();
      // A config file, so that the run certainly reads it through conf (and so loads when-exit).
      writeFileSync(join(configDir, 'config.json'), JSON.stringify({ concurrency: 2 }), { mode: 0o600 });
      const args = ['stylize', ...inputs, '--style', 'clay', '--out', join(dir, 'out')];
      const held: (() => void)[] = [];
      let heldAll: () => void;
      const twoHeld = new Promise<void>((resolve) => (heldAll = resolve));
      hooks.beforeCreateAnswer = () =>
        new Promise<void>((release) => {
          held.push(release);
          if (held.length === 2) heldAll();
        });

      const run = start(args, configDir, server.url);
      const stopping = whenStderrSays(run, 'stopping: no new tasks');
      await twoHeld;
      run.kill(signal);
      await stopping;
      // The CLI said it is stopping; only now do the two answers on their way arrive.
      delete hooks.beforeCreateAnswer;
      for (const release of held) release();
      const result = await run;
      expect(result.exitCode).toBe(130);
      expect(result.stderr).toMatch(/saved 0, failed 0, interrupted 2 \(still running on the server\), not started 2 · 2 tasks created/);
      expect(result.stderr).toContain('interrupted: 2 tasks still running on the server');
      expect(ledgerRows(configDir).map((row) => row.status)).toEqual(['open', 'open']);
      expect(server.stats().tasks_created).toBe(2);

      const resumed = await start(args, configDir, server.url);
      expect(resumed.exitCode).toBe(0);
      expect(resumed.stderr).toContain('saved 4, failed 0 · 2 tasks created');
      expect(server.stats().tasks_created).toBe(4);
      expect(mostPerPair()).toBe(1);
    });
  }

  it('two runs of one batch at once create one task per pair and write no -2 copies', async () => {
    const { server, mostPerPair } = await countingEmulator();
    const dir = tempDir();
    const inputs = await writePhotos(dir, 4);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const args = ['stylize', ...inputs, '--style', 'anime,doll', '--out', out, '--concurrency', '2'];
    const [a, b] = await Promise.all([start(args, configDir, server.url), start(args, configDir, server.url)]);
    expect([a.exitCode, b.exitCode]).toEqual([0, 0]);
    expect(server.stats().tasks_created).toBe(8);
    expect(mostPerPair()).toBe(1);
    const files = readdirSync(out).sort();
    expect(files).toHaveLength(8);
    expect(files.filter((name) => /\.[a-z-]+-\d+\.jpg$/.test(name))).toEqual([]);
    const third = await start(args, configDir, server.url);
    expect(third.exitCode).toBe(0);
    expect(third.stderr).toContain('0 tasks created');
    expect(server.stats().tasks_created).toBe(8);
  });

  it('a result that is an HTML page is retried, then fails in one line with no .bin; the next run collects it for free', async () => {
    const server = await emulator({ faults: { htmlResult: { count: 3 } } });
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
    const server = await emulator();
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
    const server = await emulator();
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
    const server = await emulator({ faults: { htmlResult: { count: 1 } } });
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
    const server = await emulator();
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
    const server = await emulator();
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
