import Database from 'libsql';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { encodeCreateBody } from '../../src/api/request-body.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import { prepareFile, sha256 } from '../../src/image/prepare.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { runItems } from '../../src/runner/batch.js';
import type { ItemContext } from '../../src/runner/item.js';
import { planItems } from '../../src/runner/plan.js';
import { PreparedImageCache } from '../../src/runner/prepared-cache.js';
import type { RunSettings } from '../../src/runner/run-settings.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * The item key is the original photo (as it is on disk), the style and the watermark: --fix,
 * which may send other bytes (EXIF stripped, re-encoded), never makes an item new. Counted:
 * the tasks the emulator created.
 */
const PLAIN: RunSettings = {
  overwrite: false,
  returnUrl: true,
  logo: null,
  timeoutMs: 600_000,
  retryFailed: false,
  resendUnknown: false,
  fix: null,
  saving: { provenance: true, keepGps: false, rescueFolder: null },
};
const FIX: RunSettings = { ...PLAIN, fix: { keepMetadata: false } };

async function cameraPhoto(dir: string): Promise<string> {
  const path = join(dir, 'cam.jpg');
  const exif = { IFD0: { Make: 'Camera Maker', Model: 'Model 7' }, IFD2: { DateTimeOriginal: '2025:07:14 18:30:05' } };
  writeFileSync(
    path,
    await sharp(await makeImage(800, 600))
      .withExif(exif)
      .jpeg({ quality: 90 })
      .toBuffer(),
  );
  return path;
}

async function setup() {
  const clock = fakeClock(Date.UTC(2030, 5, 1));
  const server = await emulator({ latencyMs: 10_000, now: clock.now, plain: true });
  const dir = tempDir();
  const photo = await cameraPhoto(dir);
  const items = planItems([{ kind: 'file' as const, path: photo, relativeDir: '' }], [resolveStyle('ghibli')], join(dir, 'out'));
  const client = new SparkClient({ baseUrl: server.url, apiKey: 'k', clock });
  const context = (ledger: Ledger, settings: RunSettings, extra: Partial<ItemContext> = {}): ItemContext => ({
    client,
    ledger,
    clock,
    interrupt: new AbortController().signal,
    settings,
    emit: () => {},
    images: new PreparedImageCache(items, settings.fix),
    ...extra,
  });
  return { clock, server, dir, photo, items, client, context };
}

describe('the item key is the original photo, not the bytes sent', () => {
  it('a camera photo run without --fix, interrupted, then with --fix (which strips its EXIF): the first task is collected', async () => {
    const { server, photo, items, clock, context } = await setup();
    // --fix really does send other bytes for this photo.
    const fixed = await prepareFile(photo, { keepMetadata: false });
    expect(fixed.changes.join()).toContain('removed metadata');
    expect(sha256(fixed.bytes)).not.toBe(sha256(readFileSync(photo)));

    const ledger = SqliteLedger.inMemory(clock);
    const controller = new AbortController();
    const first = await runItems(
      items,
      context(ledger, PLAIN, { interrupt: controller.signal, emit: (event) => event.type === 'task-created' && controller.abort() }),
      { limit: pLimit(1), failFast: false },
    );
    expect(first[0]!.status).toBe('interrupted');
    const [result] = await runItems(items, context(ledger, FIX), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'saved', created: false, task_id: first[0]!.task_id });
    expect(server.stats().tasks_created).toBe(1);
  });

  it('a --fix task recorded by the first version (the original file hashed) is found after the upgrade', async () => {
    const { server, photo, items, clock, client, context } = await setup();
    const ghibli = resolveStyle('ghibli');
    const fixed = await prepareFile(photo, { keepMetadata: false });
    // The first version's run: sent the fixed bytes, recorded the original file's hash, then stopped.
    const task = await client.createTask(encodeCreateBody({ style: ghibli, image: { bytes: fixed.bytes }, returnUrl: true, logo: null }));
    const path = join(tempDir(), 'ledger.db');
    const v1 = new Database(path);
    v1.exec(`CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, input TEXT NOT NULL, input_sha256 TEXT NOT NULL, style TEXT NOT NULL,
      req_key TEXT NOT NULL, sub_req_key TEXT, options TEXT NOT NULL, output_base TEXT, intent_at INTEGER NOT NULL, task_id TEXT, status TEXT NOT NULL,
      output TEXT, cost TEXT, error_code TEXT, finished_at INTEGER);
      CREATE INDEX attempts_by_key ON attempts (key, id); CREATE UNIQUE INDEX attempts_by_task ON attempts (task_id); CREATE INDEX attempts_by_time ON attempts (intent_at);
      CREATE TABLE claims (key TEXT PRIMARY KEY, pid INTEGER NOT NULL, marker TEXT NOT NULL, claimed_at INTEGER NOT NULL);
      CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      PRAGMA user_version = 1;`);
    v1.prepare(
      `INSERT INTO attempts (key, input, input_sha256, style, req_key, sub_req_key, options, intent_at, task_id, status) VALUES ('v1-key', ?, ?, 'ghibli', ?, NULL, ?, ?, ?, 'open')`,
    ).run(
      photo,
      sha256(readFileSync(photo)),
      ghibli.reqKey,
      JSON.stringify({ return_url: true, logo_info: null, fix: { keepMetadata: false } }),
      clock.now() - 60_000,
      task.id,
    );
    v1.close();

    const ledger = SqliteLedger.open(path, clock, { baseUrl: server.url });
    const [result] = await runItems(items, context(ledger, FIX), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'saved', created: false, task_id: task.id });
    expect(server.stats().tasks_created).toBe(1);
    await ledger.close();
  });
});
