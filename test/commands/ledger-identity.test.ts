import Database from 'libsql';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { buildCreateBody } from '../../src/api/request-body.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import { systemClock } from '../../src/core/clock.js';
import { prepareFile } from '../../src/image/prepare.js';
import { itemKey } from '../../src/ledger/item-key.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { jsonLines } from '../helpers/cli.js';
import { writePhotos } from '../helpers/images.js';
import { ledgerRows } from '../helpers/ledger.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

/**
 * What makes two requests "the same" to the ledger, end to end through the built CLI: the
 * original photo, the style, the picture options, the service. Counted: the tasks each emulator made.
 */
const KEY = 'sk-ledger-identity-0123456789';
const DAY_AND_AN_HOUR = 25 * 60 * 60 * 1000;

function run(args: string[], configDir: string, url: string) {
  return cli.run(args, {
    env: { SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH },
  });
}

async function countingEmulator(options: EmulatorOptions = {}) {
  const perPair = new Map<string, number>();
  const server = await cli.emulator({
    ...options,
    onTaskCreated: (_count, task) => perPair.set(`${task.imageSha256}/${task.alias}`, (perPair.get(`${task.imageSha256}/${task.alias}`) ?? 0) + 1),
  });
  return { server, perPair };
}

/** The machine's clock was a day behind when these rows were written (or it is a day ahead now). */
function shiftLedgerBack(configDir: string, ms: number): void {
  const db = new Database(join(configDir, 'ledger.db'));
  db.prepare('UPDATE attempts SET intent_at = intent_at - ?, finished_at = finished_at - ?').run(ms, ms);
  db.close();
}

describe('the item key is the photo, the style and the watermark', () => {
  it('--fix (a valid JPEG goes unchanged) and --no-return-url do not make a second task for the same request', async () => {
    const { server, perPair } = await countingEmulator();
    const dir = tempDir();
    const inputs = await writePhotos(dir, 2);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const args = ['stylize', ...inputs, '--style', 'ghibli', '--out', out];
    expect((await run(args, configDir, server.url)).exitCode).toBe(0);
    expect(server.stats().tasks_created).toBe(2);

    // The results are moved away: the tasks are still collectable, for free.
    rmSync(out, { recursive: true });
    const fixed = await run([...args, '--fix'], configDir, server.url);
    expect(fixed.exitCode, fixed.stderr).toBe(0);
    expect(fixed.stderr).toContain('saved 2, failed 0 · 0 tasks created');
    rmSync(out, { recursive: true });
    const noUrl = await run([...args, '--no-return-url'], configDir, server.url);
    expect(noUrl.exitCode, noUrl.stderr).toBe(0);
    expect(noUrl.stderr).toContain('saved 2, failed 0 · 0 tasks created');
    expect(server.stats().tasks_created).toBe(2);
    expect(Math.max(...perPair.values())).toBe(1);
  });

  it('four copies of one photo in one run: one task, four results (none skipped as held by this very run)', async () => {
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    const folder = join(dir, 'in');
    mkdirSync(folder);
    for (const name of ['a', 'b', 'c', 'd']) copyFileSync(photo!, join(folder, `${name}.jpg`));
    const result = await run(['stylize', folder, '--style', 'ghibli', '--offline', '--concurrency', '4'], tempDir(), 'http://127.0.0.1:9');
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).not.toContain('is working on it');
    expect(result.stderr).toContain('saved 4, failed 0 · 1 task created');
    expect(
      readdirSync(folder)
        .filter((name) => name.includes('.ghibli.'))
        .sort(),
    ).toEqual(['a.ghibli.jpg', 'b.ghibli.jpg', 'c.ghibli.jpg', 'd.ghibli.jpg']);
  });
});

describe('a day later, or a clock a day off', () => {
  it('a result saved in another {date} folder is not paid again after 24 hours: skipped, naming where it is', async () => {
    const { server } = await countingEmulator();
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const args = ['stylize', photo!, '--style', 'ghibli', '--out', out, '--name', '{date}/{stem}.{style}.{ext}'];
    utimesSync(photo!, new Date('2026-03-01T12:00:00Z'), new Date('2026-03-01T12:00:00Z'));
    expect((await run(args, configDir, server.url)).exitCode).toBe(0);
    const first = join(out, '2026-03-01', 'photo-1.ghibli.jpg');
    expect(existsSync(first)).toBe(true);

    // The photo is synced again (a new modification day) and the run is a day later.
    utimesSync(photo!, new Date('2026-03-02T12:00:00Z'), new Date('2026-03-02T12:00:00Z'));
    shiftLedgerBack(configDir, DAY_AND_AN_HOUR);
    const dry = await run([...args, '--dry-run', '--json'], configDir, server.url);
    expect(jsonLines(dry.stdout)[0]).toMatchObject({ action: 'skip' });
    const later = await run(args, configDir, server.url);
    expect(later.exitCode, later.stderr).toBe(0);
    expect(later.stderr).toContain(`already made by an earlier run and saved as ${first}`);
    expect(server.stats().tasks_created).toBe(1);
  });

  it('an open task older than 24 hours by the local clock is collected when the server still has it; a 404 lets the same run create', async () => {
    const { server, perPair } = await countingEmulator({ latencyMs: 1500 });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 2);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const ghibli = resolveStyle('ghibli');
    // photo-1: a task the server is still working on, recorded when the clock was a day behind.
    // photo-2: a task the server no longer knows.
    const prepared = await Promise.all(inputs.map((input) => prepareFile(input, null)));
    const client = new SparkClient({ baseUrl: server.url, apiKey: KEY });
    const living = await client.createTask(buildCreateBody({ style: ghibli, image: { bytes: prepared[0]!.bytes }, returnUrl: true, logo: null }));
    const ledger = SqliteLedger.open(join(configDir, 'ledger.db'), systemClock, { baseUrl: server.url });
    for (const [index, taskId] of [living.id, 'gone-long-ago'].entries()) {
      const sha = prepared[index]!.sha256;
      const attempt = await ledger.recordIntent({
        key: itemKey({ inputSha256: sha, reqKey: ghibli.reqKey, subReqKey: ghibli.subReqKey, options: { logo_info: null } }),
        input: inputs[index]!,
        inputSha256: sha,
        style: 'ghibli',
        reqKey: ghibli.reqKey,
        subReqKey: ghibli.subReqKey,
        options: { return_url: true, logo_info: null, fix: null },
        outputBase: join(out, `photo-${index + 1}.ghibli`),
      });
      await ledger.recordAnswer(attempt, taskId);
    }
    await ledger.close();
    shiftLedgerBack(configDir, DAY_AND_AN_HOUR);

    const result = await run(['stylize', ...inputs, '--style', 'ghibli', '--out', out, '--json'], configDir, server.url);
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.pop()).toMatchObject({ summary: { saved: 2, tasks_created: 1 } });
    const byInput = Object.fromEntries(lines.map((line) => [line.input, line]));
    expect(byInput[inputs[0]!]).toMatchObject({ status: 'saved', task_id: living.id });
    expect(byInput[inputs[1]!]).toMatchObject({ status: 'saved', task_id: expect.not.stringMatching(/^gone-long-ago$/) });
    expect(server.stats().tasks_created).toBe(2);
    expect(Math.max(...perPair.values())).toBe(1);
    expect(ledgerRows(configDir).map((row) => [row.task_id === living.id ? 'living' : row.task_id, row.status])).toEqual([
      ['living', 'saved'],
      ['gone-long-ago', 'expired'],
      [expect.any(String), 'saved'],
    ]);
  });
});

describe('a ledger shared by two services', () => {
  it('tasks recorded against one base URL are not collected from another: the other service gets its own tasks, and the plan says so', async () => {
    // Interrupted once both tasks exist on the first service and are recorded (a task is read only after that).
    // Its tasks do not finish until the test says so: none can be saved before the interrupt.
    let onRead = () => undefined as undefined;
    const first = await countingEmulator({ latencyMs: 3000, faults: { neverFinish: true }, onTaskRead: () => onRead() });
    const second = await countingEmulator();
    const dir = tempDir();
    const inputs = await writePhotos(dir, 2);
    const configDir = tempDir();
    const out = join(dir, 'out');
    const args = ['stylize', ...inputs, '--style', 'clay', '--out', out];
    const interrupted = run(args, configDir, first.server.url);
    await new Promise<void>((resolve) => {
      onRead = () => {
        const rows = ledgerRows(configDir);
        if (rows.length === 2 && rows.every((row) => row.status === 'open')) resolve();
      };
    });
    onRead = () => undefined;
    interrupted.kill('SIGINT');
    expect((await interrupted).exitCode).toBe(130);

    const dry = await run([...args, '--dry-run', '--json'], configDir, second.server.url);
    expect(
      jsonLines(dry.stdout)
        .slice(0, 2)
        .map((line) => line.action),
    ).toEqual(['create', 'create']);
    const other = await run(args, configDir, second.server.url);
    expect(other.exitCode, other.stderr).toBe(0);
    expect(other.stderr).not.toContain('unknown to the server');
    expect(second.server.stats().tasks_created).toBe(2);

    // Back on the first service, its own tasks are still known (and the results exist now).
    first.server.setFaults({});
    rmSync(out, { recursive: true });
    const back = await run(args, configDir, first.server.url);
    expect(back.exitCode, back.stderr).toBe(0);
    expect(back.stderr).toContain('saved 2, failed 0 · 0 tasks created');
    expect(first.server.stats().tasks_created).toBe(2);
  });
});
