import Database from 'libsql';
import { execa } from 'execa';
import { existsSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COLLECTABLE_FOR_MS, itemKey } from '../../src/ledger/item-key.js';
import type { Intent } from '../../src/ledger/ledger.js';
import { SqliteLedger as Ledger } from '../../src/ledger/sqlite-ledger.js';
import { identityOf } from '../../src/ledger/process-marker.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { tempDir } from '../helpers/tmp.js';

const HOUR = 60 * 60 * 1000;
const intent = (key: string, extra: Partial<Intent> = {}): Intent => ({
  key,
  input: `${key}.jpg`,
  inputSha256: 'abc',
  style: 'ghibli',
  reqKey: 'img2img_ghibli_style_usage',
  subReqKey: null,
  options: { return_url: true, logo_info: null },
  outputBase: `/out/${key}.ghibli`,
  ...extra,
});

describe('Ledger', () => {
  it('records intent, answer and outcome, and a new process reads them back (0600 file, 0700 folder)', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const path = join(tempDir(), 'state', 'ledger.db');
    const ledger = Ledger.open(path, clock);
    const first = await ledger.recordIntent(intent('k1'));
    expect(await ledger.lookup('k1')).toMatchObject({ status: 'unknown', taskId: null, intentAt: clock.now() });
    await ledger.recordAnswer(first, 't1');
    expect(await ledger.lookup('k1')).toMatchObject({ status: 'open', taskId: 't1' });
    clock.advance(1000);
    await ledger.recordSaved('t1', '/out/k1.ghibli.jpg', '0.0300');
    await ledger.recordAnswer(await ledger.recordIntent(intent('k2')), 't2');
    await ledger.recordFailed('t2', '003008095');
    await ledger.recordNeverSent(await ledger.recordIntent(intent('k3')), 'ECONNREFUSED');
    await ledger.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(path, '..')).mode & 0o777).toBe(0o700);

    const again = Ledger.open(path, clock);
    expect(await again.lookup('k1')).toMatchObject({ status: 'saved', output: '/out/k1.ghibli.jpg', cost: '0.0300', outputBase: '/out/k1.ghibli' });
    expect(await again.lookup('k2')).toMatchObject({ status: 'failed', errorCode: '003008095' });
    expect(await again.lookup('k3')).toMatchObject({ status: 'never-sent', taskId: null });
    expect((await again.findTask('t1'))?.key).toBe('k1');
    expect(await again.lookup('nope')).toBeUndefined();
    await again.close();
  });

  it('the newest attempt for a key is the one looked up', async () => {
    const ledger = Ledger.inMemory(fakeClock());
    await ledger.recordAnswer(await ledger.recordIntent(intent('k')), 'old');
    await ledger.recordFailed('old', '003008095');
    await ledger.recordAnswer(await ledger.recordIntent(intent('k')), 'new');
    expect(await ledger.lookup('k')).toMatchObject({ status: 'open', taskId: 'new' });
  });

  it('stamps records with the injected clock, and history shows an open task past 24 hours as expired', async () => {
    const clock = fakeClock(Date.UTC(2026, 0, 1, 12));
    const ledger = Ledger.inMemory(clock);
    await ledger.recordAnswer(await ledger.recordIntent(intent('a', { style: 'clay' })), 'ta');
    clock.advance(HOUR);
    await ledger.recordAnswer(await ledger.recordIntent(intent('b')), 'tb');
    await ledger.recordSaved('tb', '/out/b.jpg', '0.0300');
    clock.advance(HOUR);
    await ledger.recordIntent(intent('c'));
    expect((await ledger.history()).map((row) => [row.input, row.status, row.at])).toEqual([
      ['c.jpg', 'unknown', '2026-01-01T14:00:00.000Z'],
      ['b.jpg', 'saved', '2026-01-01T13:00:00.000Z'],
      ['a.jpg', 'open', '2026-01-01T12:00:00.000Z'],
    ]);
    expect(await ledger.history({ style: 'clay' })).toHaveLength(1);
    expect((await ledger.history({ sinceMs: Date.UTC(2026, 0, 1, 13) })).map((row) => row.input)).toEqual(['c.jpg', 'b.jpg']);
    expect((await ledger.history({ limit: 1 }))[0]).toEqual({
      at: '2026-01-01T14:00:00.000Z',
      input: 'c.jpg',
      style: 'ghibli',
      task_id: null,
      status: 'unknown',
      output: null,
      cost: null,
      error_code: null,
      worker: `${ledger.workerId} on ${hostname()}`,
    });
    expect(await ledger.counts()).toEqual({ open: 1, unknown: 1 });
    clock.advance(COLLECTABLE_FOR_MS);
    expect((await ledger.history({ status: 'expired' })).map((row) => row.input)).toEqual(['a.jpg']);
    expect(await ledger.counts()).toEqual({ open: 0, unknown: 1 });
  });

  it('recentCosts uses saved tasks with a sane numeric cost only', async () => {
    const ledger = Ledger.inMemory(fakeClock());
    expect(await ledger.recentCosts(10)).toEqual([]);
    const costs: [string, string | null, string][] = [
      ['a', '0.0300', 'ghibli'],
      ['b', '0.0500', 'ghibli'],
      ['c', '0.0100', 'clay'],
      ['d', 'free', 'ghibli'],
      ['e', '1e9', 'ghibli'],
      ['f', '5000', 'ghibli'],
      ['g', null, 'ghibli'],
    ];
    for (const [key, cost, style] of costs) {
      await ledger.recordAnswer(await ledger.recordIntent(intent(key, { style })), `t-${key}`);
      await ledger.recordSaved(`t-${key}`, `/out/${key}.jpg`, cost);
    }
    await ledger.recordAnswer(await ledger.recordIntent(intent('h')), 't-h');
    await ledger.recordFailed('t-h', '003008095', '0.9000');
    expect(await ledger.recentCosts(10)).toEqual([
      { style: 'clay', cost: 0.01 },
      { style: 'ghibli', cost: 0.05 },
      { style: 'ghibli', cost: 0.03 },
    ]);
  });

  it('claims are leases: one live worker at a time, renewed by the heartbeat, taken over once lapsed; a worker taken over sends nothing', async () => {
    const path = join(tempDir(), 'ledger.db');
    const clock = fakeClock();
    const first = Ledger.open(path, clock, { leaseMs: 10_000 });
    const second = Ledger.open(path, clock, { leaseMs: 10_000 });
    expect(await first.claim('k')).toEqual({ ok: true });
    const holder = `worker ${first.workerId} on ${hostname()}, pid ${process.pid}`;
    expect(await second.claim('k')).toEqual({ ok: false, heldBy: holder });
    expect(await second.claimHolder('k')).toBe(holder);
    // The heartbeat keeps the lease: 9 s, renewed, 9 s more and it still holds.
    clock.advance(9_000);
    await first.renewLeases();
    clock.advance(9_000);
    expect(await second.claim('k')).toEqual({ ok: false, heldBy: holder });
    // No heartbeat for a whole lease (a stalled worker): the next worker takes the item over...
    clock.advance(1_001);
    expect(await second.claimHolder('k')).toBeNull();
    expect(await second.claim('k')).toEqual({ ok: true });
    // ...and the stalled one, waking up, may not send its create.
    await expect(first.recordIntent(intent('k'))).rejects.toMatchObject({ code: 'lease-lost' });
    expect(await second.lookup('k')).toBeUndefined();
    expect(await second.recordIntent(intent('k'))).toBeGreaterThan(0);
    expect(await first.lookup('k')).toMatchObject({ worker: second.workerId, status: 'unknown' });
    await first.close();
    await second.close();
  });

  it('a lease whose process on this host is gone (SIGKILL) is taken over at once; one held on another host waits for its expiry', async () => {
    const path = join(tempDir(), 'ledger.db');
    const clock = fakeClock();
    const ledger = Ledger.open(path, clock);
    const other = execa(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    const owner = identityOf(other.pid!);
    const db = new Database(path);
    const insert = db.prepare('INSERT INTO claims (key, worker, host, pid, marker, expires_at, claimed_at) VALUES (?, ?, ?, ?, ?, ?, 0)');
    insert.run('here', 'w-here', hostname(), owner.pid, owner.marker, clock.now() + 60_000);
    insert.run('there', 'w-there', 'another-host', owner.pid, owner.marker, clock.now() + 60_000);
    db.close();
    expect(await ledger.claim('here')).toEqual({ ok: false, heldBy: `worker w-here on ${hostname()}, pid ${owner.pid}` });
    other.kill('SIGKILL');
    await other.catch(() => undefined);
    expect(await ledger.claimHolder('here')).toBeNull();
    expect(await ledger.claim('here')).toEqual({ ok: true });
    expect(await ledger.claim('there')).toEqual({ ok: false, heldBy: `worker w-there on another-host, pid ${owner.pid}` });
    clock.advance(60_000);
    expect(await ledger.claim('there')).toEqual({ ok: true });
    // Within one process, a second item with the same key waits for the first one's release.
    expect(await ledger.claim('here')).toMatchObject({ ok: false });
    let free = false;
    const turn = ledger.claimInTurn('here').then((result) => ((free = true), result));
    await Promise.resolve();
    expect(free).toBe(false);
    await ledger.release('here');
    expect(await turn).toEqual({ ok: true });
    await ledger.release('here');
    await ledger.close();
  });

  it('three or more items of one run with one key all get their turn, one at a time (never "held by" this very run)', async () => {
    const ledger = Ledger.open(join(tempDir(), 'ledger.db'), fakeClock());
    expect(await ledger.claim('k')).toEqual({ ok: true });
    const order: string[] = [];
    const waiters = ['b', 'c', 'd'].map((name) =>
      ledger.claimInTurn('k').then((result) => {
        order.push(name);
        expect(result).toEqual({ ok: true });
        // Each holds its turn a moment, then lets the next one in.
        return Promise.resolve().then(() => ledger.release('k'));
      }),
    );
    await ledger.release('k');
    await Promise.all(waiters);
    expect(order).toHaveLength(3);
    await ledger.close();
  });

  it('a lease by a live process with a different start time (a reused pid) on this host does not count', async () => {
    const path = join(tempDir(), 'ledger.db');
    const clock = fakeClock();
    const ledger = Ledger.open(path, clock);
    const db = new Database(path);
    db.prepare('INSERT INTO claims (key, worker, host, pid, marker, expires_at, claimed_at) VALUES (?, ?, ?, ?, ?, ?, 0)').run(
      'k',
      'w-old',
      hostname(),
      process.ppid,
      'not-its-start-time',
      clock.now() + 60_000,
    );
    db.close();
    expect(await ledger.claim('k')).toEqual({ ok: true });
    await ledger.close();
  });

  it('refuses a ledger path that is a symbolic link, with one line', async () => {
    const dir = tempDir();
    const elsewhere = join(dir, 'elsewhere.db');
    writeFileSync(elsewhere, '');
    symlinkSync(elsewhere, join(dir, 'ledger.db'));
    expect(() => Ledger.open(join(dir, 'ledger.db'), fakeClock())).toThrow(/refusing to open the task ledger .*ledger\.db: it is a symbolic link/);
    expect(readFileSync(elsewhere, 'utf8')).toBe('');
  });

  it('a file that is not a database is a one-line error, not a crash', async () => {
    const path = join(tempDir(), 'ledger.db');
    writeFileSync(path, 'x'.repeat(4096));
    expect(() => Ledger.open(path, fakeClock())).toThrow(/the task ledger .* cannot be read/);
  });
});

describe('journal.jsonl migration', () => {
  // Old journals keyed items with return_url (and --fix) hashed in: the import keys them as this version does.
  const created = (taskId: string, name: string, at: string) =>
    JSON.stringify({
      event: 'created',
      at,
      task_id: taskId,
      key: `old-key-${name}`,
      input: `${name}.jpg`,
      input_sha256: `sha-${name}`,
      style: 'ghibli',
      req_key: 'img2img_ghibli_style_usage',
      sub_req_key: null,
      options: { return_url: true, logo_info: null, fix: { keepMetadata: false } },
      output_base: `/out/${name}.ghibli`,
    });
  const keyOf = (name: string) => itemKey({ inputSha256: `sha-${name}`, reqKey: 'img2img_ghibli_style_usage', subReqKey: null, options: { logo_info: null } });
  const finished = (taskId: string, key: string, outcome: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ event: 'finished', at: '2026-01-02T00:00:00.000Z', task_id: taskId, key, outcome, ...extra });

  it('imports once: recent open tasks stay collectable, old ones expire, outcomes carry over; the file is kept as a backup', async () => {
    const dir = tempDir();
    const clock = fakeClock(Date.parse('2026-01-02T12:00:00.000Z'));
    const lines = [
      created('t-old', 'old', '2025-12-30T00:00:00.000Z'),
      created('t-open', 'open', '2026-01-02T06:00:00.000Z'),
      created('t-saved', 'saved', '2026-01-02T01:00:00.000Z'),
      finished('t-saved', 'saved', 'saved', { output: '/out/saved.ghibli.jpg' }),
      created('t-failed', 'failed', '2026-01-02T02:00:00.000Z'),
      finished('t-failed', 'failed', 'failed', { error_code: '003008095' }),
      '{"event":"created","task_id":"t-torn","ke',
    ];
    writeFileSync(join(dir, 'journal.jsonl'), `${lines.join('\n')}\n`);
    const ledger = Ledger.open(join(dir, 'ledger.db'), clock);
    expect(await ledger.lookup(keyOf('open'))).toMatchObject({
      status: 'open',
      taskId: 't-open',
      outputBase: '/out/open.ghibli',
      intentAt: Date.parse('2026-01-02T06:00:00.000Z'),
    });
    expect(await ledger.lookup(keyOf('old'))).toMatchObject({ status: 'expired', taskId: 't-old' });
    expect(await ledger.lookup(keyOf('saved'))).toMatchObject({ status: 'saved', output: '/out/saved.ghibli.jpg' });
    expect(await ledger.lookup(keyOf('failed'))).toMatchObject({ status: 'failed', errorCode: '003008095' });
    await ledger.close();
    expect(existsSync(join(dir, 'journal.jsonl'))).toBe(false);
    expect(readFileSync(join(dir, 'journal.jsonl.imported'), 'utf8')).toContain('t-open');

    // A journal.jsonl that shows up again (an older version ran meanwhile) is not imported twice.
    writeFileSync(join(dir, 'journal.jsonl'), `${created('t-later', 'later', '2026-01-02T07:00:00.000Z')}\n`);
    const reopened = Ledger.open(join(dir, 'ledger.db'), clock);
    expect(await reopened.lookup(keyOf('later'))).toBeUndefined();
    expect(await reopened.history()).toHaveLength(4);
    await reopened.close();
  });
});

describe('itemKey', () => {
  const base = {
    inputSha256: 'abc',
    reqKey: 'img2img_comic_style_usage',
    subReqKey: 'img2img_comic_style_marvel',
    options: { return_url: true, logo_info: null },
  };
  it('is stable and ignores option order', async () => {
    expect(itemKey(base)).toBe(itemKey({ ...base, options: { logo_info: null, return_url: true } }));
  });
  it('changes with anything that changes the result', async () => {
    expect(itemKey(base)).not.toBe(itemKey({ ...base, inputSha256: 'abd' }));
    expect(itemKey(base)).not.toBe(itemKey({ ...base, subReqKey: 'img2img_comic_style_monet' }));
    expect(itemKey(base)).not.toBe(itemKey({ ...base, options: { return_url: true, logo_info: { add_logo: true } } }));
  });
  it('ignores what does not change the picture: return_url (delivery) and --fix (the key hashes the original photo)', async () => {
    expect(itemKey(base)).toBe(itemKey({ ...base, options: { return_url: false, logo_info: null } }));
    expect(itemKey(base)).toBe(itemKey({ ...base, options: { return_url: true, logo_info: null, fix: { keepMetadata: true } } }));
    expect(itemKey(base)).toBe(itemKey({ ...base, options: {} }));
  });
});

describe('schema versions', () => {
  it('a version-1 ledger gets an origin column and its keys computed again from what each row recorded, once', async () => {
    const path = join(tempDir(), 'ledger.db');
    const v1 = new Database(path);
    v1.exec(`CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, input TEXT NOT NULL, input_sha256 TEXT NOT NULL, style TEXT NOT NULL,
      req_key TEXT NOT NULL, sub_req_key TEXT, options TEXT NOT NULL, output_base TEXT, intent_at INTEGER NOT NULL, task_id TEXT, status TEXT NOT NULL,
      output TEXT, cost TEXT, error_code TEXT, finished_at INTEGER);
      CREATE INDEX attempts_by_key ON attempts (key, id); CREATE UNIQUE INDEX attempts_by_task ON attempts (task_id); CREATE INDEX attempts_by_time ON attempts (intent_at);
      CREATE TABLE claims (key TEXT PRIMARY KEY, pid INTEGER NOT NULL, marker TEXT NOT NULL, claimed_at INTEGER NOT NULL);
      CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
      PRAGMA user_version = 1;`);
    const insert = v1.prepare(
      `INSERT INTO attempts (key, input, input_sha256, style, req_key, sub_req_key, options, intent_at, task_id, status) VALUES (?, 'a.jpg', 'sha-a', 'ghibli', 'img2img_ghibli_style_usage', NULL, ?, ?, ?, 'open')`,
    );
    insert.run(
      'v1-key-with-fix',
      JSON.stringify({ return_url: true, logo_info: null, fix: { keepMetadata: false } }),
      Date.parse('2026-01-02T06:00:00.000Z'),
      't-1',
    );
    insert.run('v1-key-no-url', JSON.stringify({ return_url: false, logo_info: { add_logo: true } }), Date.parse('2026-01-02T07:00:00.000Z'), 't-2');
    v1.close();

    const clock = fakeClock(Date.parse('2026-01-02T12:00:00.000Z'));
    const ledger = Ledger.open(path, clock, { baseUrl: 'https://api.example.test/' });
    const key = (logo: unknown) => itemKey({ inputSha256: 'sha-a', reqKey: 'img2img_ghibli_style_usage', subReqKey: null, options: { logo_info: logo } });
    expect(await ledger.lookup(key(null))).toMatchObject({ taskId: 't-1', origin: null });
    expect(await ledger.lookup(key({ add_logo: true }))).toMatchObject({ taskId: 't-2', origin: null });
    expect(await ledger.lookup('v1-key-with-fix')).toBeUndefined();
    await ledger.close();
    const reopened = new Database(path, { readonly: true });
    expect(reopened.prepare('PRAGMA user_version').raw(true).get()).toEqual([3]);
    await reopened.close();
  });
});

describe('origins', () => {
  it("a ledger opened for one API does not see tasks recorded against another; rows with no origin are anyone's", async () => {
    const path = join(tempDir(), 'ledger.db');
    const clock = fakeClock(Date.parse('2026-01-02T12:00:00.000Z'));
    const emulator = Ledger.open(path, clock, { baseUrl: 'http://127.0.0.1:4567' });
    await emulator.recordAnswer(await emulator.recordIntent(intent('k')), 't-emu');
    await emulator.recordSaved('t-emu', '/out/k.ghibli.jpg', '0.0300');
    await emulator.close();
    const real = Ledger.open(path, clock, { baseUrl: 'https://api.vtrix.example/' });
    expect(await real.lookup('k')).toBeUndefined();
    expect(await real.savedOutputs('k')).toEqual([]);
    await real.recordIntent(intent('k'));
    expect(await real.lookup('k')).toMatchObject({ status: 'unknown', origin: 'https://api.vtrix.example' });
    await real.close();
    const again = Ledger.open(path, clock, { baseUrl: 'http://127.0.0.1:4567/' });
    expect(await again.lookup('k')).toMatchObject({ taskId: 't-emu', origin: 'http://127.0.0.1:4567' });
    expect(await again.savedOutputs('k')).toEqual(['/out/k.ghibli.jpg']);
    await again.close();
    // history, doctor, status: no origin, every row.
    const any = Ledger.open(path, clock);
    expect(await any.history()).toHaveLength(2);
    await any.close();
  });

  it('an expired task keeps the file it was saved as', async () => {
    const ledger = Ledger.open(join(tempDir(), 'ledger.db'), fakeClock());
    await ledger.recordAnswer(await ledger.recordIntent(intent('k')), 't1');
    await ledger.recordSaved('t1', '/state/rescued/t1.jpg', null);
    await ledger.recordExpired('t1');
    expect(await ledger.lookup('k')).toMatchObject({ status: 'expired', output: '/state/rescued/t1.jpg' });
    expect(await ledger.savedOutputs('k')).toEqual(['/state/rescued/t1.jpg']);
    await ledger.close();
  });
});
