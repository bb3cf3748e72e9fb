import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import type { Intent, Ledger } from '../../src/ledger/ledger.js';
import { openLedgerAt } from '../../src/ledger/open-ledger.js';
import { PgLedger } from '../../src/ledger/postgres/pg-ledger.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { freshDatabase, queryDatabase } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';

const intent = (key: string, extra: Partial<Intent> = {}): Intent => ({
  key,
  input: `${key}.jpg`,
  inputSha256: 'abc',
  style: 'ghibli',
  reqKey: 'img2img_ghibli_style_usage',
  subReqKey: null,
  options: { logo_info: null },
  outputBase: `/out/${key}.ghibli`,
  ...extra,
});

/** Two workers on one ledger: two opens of the same file, or two connections to the same database. */
type Opener = (clock: Clock, leaseMs?: number) => Promise<Ledger>;
const kinds: [string, () => Promise<Opener>][] = [
  [
    'SQLite file',
    async () => {
      const path = join(tempDir(), 'ledger.db');
      return (clock, leaseMs = 10_000) => openLedgerAt(path, clock, { env: { SPARK_STYLE_LEASE_MS: String(leaseMs) }, baseUrl: 'http://127.0.0.1:9' });
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const url = await freshDatabase();
      return (clock, leaseMs = 10_000) => openLedgerAt(url, clock, { env: { SPARK_STYLE_LEASE_MS: String(leaseMs) }, baseUrl: 'http://127.0.0.1:9' });
    },
  ],
];

describe.each(kinds)('the %s ledger', (_name, prepare) => {
  it('writes ahead: intent, answer, outcome; another worker reads them back, each row naming its worker', async () => {
    const open = await prepare();
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const first = await open(clock);
    const attempt = await first.recordIntent(intent('k1'));
    const other = await open(clock);
    expect(await other.lookup('k1')).toMatchObject({ status: 'unknown', taskId: null, intentAt: clock.now(), worker: first.workerId });
    await first.recordAnswer(attempt, 't1');
    clock.advance(1000);
    await first.recordSaved('t1', '/out/k1.ghibli.jpg', '0.0300');
    await first.recordAnswer(await first.recordIntent(intent('k2', { style: 'clay' })), 't2');
    await first.recordFailed('t2', '003008095', '0.0100');
    await first.recordNeverSent(await first.recordIntent(intent('k3')), 'ECONNREFUSED');
    expect(await other.lookup('k1')).toMatchObject({ status: 'saved', output: '/out/k1.ghibli.jpg', cost: '0.0300', outputBase: '/out/k1.ghibli' });
    expect(await other.findTask('t2')).toMatchObject({ key: 'k2', status: 'failed', errorCode: '003008095' });
    expect(await other.lookup('k3')).toMatchObject({ status: 'never-sent' });
    expect(await other.savedOutputs('k1')).toEqual(['/out/k1.ghibli.jpg']);
    expect(await other.recentCosts(10)).toEqual([{ style: 'ghibli', cost: 0.03 }]);
    const history = await other.history();
    expect(history.map((row) => [row.input, row.status, row.worker])).toEqual([
      ['k3.jpg', 'never-sent', `${first.workerId} on ${hostname()}`],
      ['k2.jpg', 'failed', `${first.workerId} on ${hostname()}`],
      ['k1.jpg', 'saved', `${first.workerId} on ${hostname()}`],
    ]);
    expect(await other.history({ style: 'clay', limit: 5 })).toHaveLength(1);
    expect(await other.counts()).toEqual({ open: 0, unknown: 0 });
    await first.recordIntent(intent('k4'));
    expect(await other.counts()).toEqual({ open: 0, unknown: 1 });
    await first.close();
    await other.close();
  });

  it('leases: one worker at a time, renewed by the heartbeat, taken over once lapsed; the worker taken over cannot record an intent', async () => {
    const open = await prepare();
    const clock = fakeClock(Date.UTC(2026, 0, 1));
    const first = await open(clock, 10_000);
    const second = await open(clock, 10_000);
    expect(await first.claim('k')).toEqual({ ok: true });
    const holder = `worker ${first.workerId} on ${hostname()}, pid ${process.pid}`;
    expect(await second.claim('k')).toEqual({ ok: false, heldBy: holder });
    clock.advance(9_000);
    await (first as unknown as { renewLeases(): Promise<void> }).renewLeases();
    clock.advance(9_000);
    expect(await second.claimHolder('k')).toBe(holder);
    expect(await second.claim('k')).toEqual({ ok: false, heldBy: holder });
    clock.advance(1_001);
    expect(await second.claimHolder('k')).toBeNull();
    expect(await second.claim('k')).toEqual({ ok: true });
    await expect(first.recordIntent(intent('k'))).rejects.toMatchObject({ code: 'lease-lost' });
    expect(await second.lookup('k')).toBeUndefined();
    // Released, the item is anyone's at once (the worker taken over lets go of its turn as its item ends).
    await second.release('k');
    await first.release('k');
    expect(await first.claim('k')).toEqual({ ok: true });
    await first.close();
    // Closing lets go of every lease the worker held.
    expect(await second.claim('k')).toEqual({ ok: true });
    await second.close();
  });

  it('many workers racing for the same items: each item is won by exactly one', async () => {
    const open = await prepare();
    const clock = fakeClock();
    const workers = await Promise.all(Array.from({ length: 6 }, () => open(clock)));
    const keys = Array.from({ length: 20 }, (_, index) => `item-${index}`);
    const wins = await Promise.all(workers.map(async (worker) => (await Promise.all(keys.map((key) => worker.claim(key)))).filter((claim) => claim.ok).length));
    expect(wins.reduce((sum, count) => sum + count, 0)).toBe(keys.length);
    await Promise.all(workers.map((worker) => worker.close()));
  });
});

describe('the PostgreSQL ledger', () => {
  it('creates its tables once when many workers start at once, and the password never shows in its location', async () => {
    const url = await freshDatabase('hunter2-very-secret');
    const clock = fakeClock();
    const ledgers = await Promise.all(Array.from({ length: 8 }, () => openLedgerAt(url, clock, { env: {} })));
    expect(ledgers.every((ledger) => ledger.shared)).toBe(true);
    expect(ledgers[0]!.location).not.toContain('hunter2');
    const [version] = await queryDatabase<{ value: string }>(url, "SELECT value FROM spark_meta WHERE name = 'schema_version'");
    expect(version?.value).toBe('1');
    await Promise.all(ledgers.map((ledger) => ledger.close()));
  });

  it('a database that cannot be reached is one line naming it, without the password', async () => {
    const url = 'postgres://spark:hunter2-very-secret@127.0.0.1:9/none';
    const error = await openLedgerAt(url, fakeClock(), { env: {} }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'ledger-unreachable', kind: 'network' });
    expect((error as Error).message).toMatch(/^the shared ledger postgres:\/\/spark@127\.0\.0\.1:9\/none cannot be used: .*ECONNREFUSED/);
    expect((error as Error).message).not.toContain('hunter2');
  });

  it('the fleet budget: reserved in the same transaction that checks the total, settled at the real cost, across workers', async () => {
    const url = await freshDatabase();
    const clock = fakeClock();
    const [a, b] = (await Promise.all([PgLedger.open(url, 'db', clock), PgLedger.open(url, 'db', clock)])) as [PgLedger, PgLedger];
    const spendA = a.sharedSpend();
    const spendB = b.sharedSpend();
    // No price known anywhere: one task goes alone, fleet-wide, to learn it.
    const first = await spendA.reserve('job', 'ghibli', null, 100_000);
    expect(first.kind).toBe('reserved');
    expect(await spendB.reserve('job', 'ghibli', null, 100_000)).toEqual({ kind: 'wait' });
    await spendA.settle((first as { id: number }).id, 30_000);
    // Now the fleet knows $0.03: B reserves at it without knowing it itself.
    const reserved = await Promise.all(Array.from({ length: 5 }, (_, index) => (index % 2 ? spendA : spendB).reserve('job', 'ghibli', null, 100_000)));
    // $0.03 spent, $0.06 more fits; the rest fit only if those in flight cost less: they wait.
    expect(reserved.map((answer) => answer.kind).sort()).toEqual(['reserved', 'reserved', 'wait', 'wait', 'wait']);
    const [{ committed }] = (await queryDatabase<{ committed: string }>(url, "SELECT SUM(micro) AS committed FROM spark_spend WHERE scope = 'job'")) as [
      { committed: string },
    ];
    expect(Number(committed)).toBe(90_000);
    // Spent plus one more task would pass the limit: over, never started.
    const ids = reserved.flatMap((answer) => (answer.kind === 'reserved' ? [answer.id] : []));
    for (const id of ids) await spendB.settle(id, 40_000);
    expect(await spendA.reserve('job', 'ghibli', 30_000, 100_000)).toEqual({ kind: 'over', committedMicro: 110_000 });
    await a.close();
    await b.close();
  });
});
