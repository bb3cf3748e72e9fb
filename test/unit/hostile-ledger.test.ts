import { chmodSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'libsql';
import pLimit from 'p-limit';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import { systemClock } from '../../src/core/clock.js';
import { isSparkError } from '../../src/core/errors.js';
import type { Intent } from '../../src/ledger/ledger.js';
import { ledgerOpenProblem } from '../../src/ledger/ledger-problems.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { runItems } from '../../src/runner/batch.js';
import { inProcessRun } from '../helpers/runner.js';
import { tempDir } from '../helpers/tmp.js';

const intent = (n: number): Intent => ({
  key: `k${n}`,
  input: `p${n}.jpg`,
  inputSha256: 'x',
  style: 'ghibli',
  reqKey: 'r',
  subReqKey: null,
  options: {},
  outputBase: null,
});

function openError(path: string): { message: string; hint: string } {
  try {
    SqliteLedger.open(path, systemClock).close();
  } catch (error) {
    if (!isSparkError(error)) throw error;
    return { message: error.message, hint: error.hint ?? '' };
  }
  throw new Error('the ledger opened');
}

/** A real "database or disk is full" from SQLite: a database allowed no more pages than it has. */
function realDiskFullError(): unknown {
  const db = new Database(join(tempDir(), 'full.db'));
  db.exec('CREATE TABLE t (x)');
  db.exec('PRAGMA max_page_count = 2');
  try {
    for (let n = 0; n < 100; n++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(2000));
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
  throw new Error('the database did not fill');
}

describe('ledger problems, each with its true message and a next step that does not pay twice', () => {
  it('a folder in place of ledger.db', () => {
    const path = join(tempDir(), 'ledger.db');
    mkdirSync(path);
    const problem = openError(path);
    expect(problem.message).toBe(`the task ledger ${path} is a folder, not a file; nothing was sent`);
    expect(problem.hint).toContain(`mv ${path} ${path}.folder`);
  });

  it('a full disk', () => {
    const path = join(tempDir(), 'ledger.db');
    const problem = ledgerOpenProblem(path, realDiskFullError());
    expect(problem.message).toBe(`the task ledger ${path} cannot be written: the disk is full; nothing was sent`);
    expect(problem.hint).toMatch(/^free some space .*keep the ledger/);
    expect(problem.hint).not.toMatch(/aside|mv /);
  });

  it('a read-only folder, and a read-only ledger.db', () => {
    const folder = tempDir();
    const path = join(folder, 'ledger.db');
    SqliteLedger.open(path, systemClock).close();
    const denied = Object.assign(new Error('attempt to write a readonly database'), { code: 'SQLITE_READONLY' });
    chmodSync(path, 0o400);
    expect(ledgerOpenProblem(path, denied).message).toBe(`the task ledger ${path} cannot be written: the file is read-only (mode 0400); nothing was sent`);
    expect(ledgerOpenProblem(path, denied).hint).toContain(`chmod 600 ${path}`);
    chmodSync(folder, 0o500);
    try {
      const problem = ledgerOpenProblem(path, Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }));
      expect(problem.message).toBe(`the task ledger ${path} cannot be written: its folder ${folder} is read-only; nothing was sent`);
      expect(problem.hint).not.toMatch(/aside|mv /);
    } finally {
      chmodSync(folder, 0o700);
    }
  });

  it('only a file that is not a ledger is said to be unreadable, and moving it aside is said to cost', () => {
    const path = join(tempDir(), 'ledger.db');
    writeFileSync(path, 'not a database at all '.repeat(200));
    chmodSync(path, 0o600);
    const problem = openError(path);
    expect(problem.message).toMatch(/cannot be read: file is not a database/);
    expect(problem.hint).toMatch(/created, and paid, again/);
  });
});

describe('a ledger deleted during a run', () => {
  it('is noticed before the next create, which is refused', async () => {
    const path = join(tempDir(), 'ledger.db');
    const ledger = SqliteLedger.open(path, systemClock);
    try {
      await ledger.recordIntent(intent(1));
      unlinkSync(path);
      await expect(ledger.recordIntent(intent(2))).rejects.toThrow(`the task ledger ${path} was deleted during the run; no more tasks are created`);
    } finally {
      ledger.close();
    }
  });
});

describe('a ledger deleted during a batch', () => {
  it('the run stops creating: the items after it fail with the reason, and no task is created for them', async () => {
    const path = join(tempDir(), 'ledger.db');
    const { items, context, server } = await inProcessRun(3);
    const ledger = SqliteLedger.open(path, systemClock);
    try {
      let deleted = false;
      const results = await runItems(
        items,
        context({
          ledger,
          emit: (event) => {
            if (event.type === 'item-finished' && !deleted) {
              unlinkSync(path);
              deleted = true;
            }
          },
        }),
        { limit: pLimit(1), failFast: false },
      );
      expect(results.map((result) => result.status)).toEqual(['saved', 'failed', 'failed']);
      expect(results[1]!.error?.message).toBe(`the task ledger ${path} was deleted during the run; no more tasks are created`);
      expect(server.stats().tasks_created).toBe(1);
    } finally {
      ledger.close();
    }
  });
});

describe('a download cut off by the deadline', () => {
  it('says how to collect the finished task later, free', async () => {
    const { items, context, server, out } = await inProcessRun(1, { faults: { trickleResults: { intervalMs: 50 } } });
    const base = context();
    // Downloads get 300 ms of real time here (the run's --timeout is in fake time).
    const client = new SparkClient({ baseUrl: server.url, apiKey: 'k', clock: base.clock, downloadTimeoutMs: 300, minDownloadMs: 300 });
    const [result] = await runItems(items, { ...base, client }, { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'failed', errorKind: 'network', error: { message: expect.stringMatching(/no answer in time/) } });
    expect(result!.hint).toBe(
      `the task is finished: collect its result (free, within 24 hours) with: spark-style status ${result!.task_id} --wait --save ${out}`,
    );
    expect(server.stats().tasks_created).toBe(1);
  });
});

describe('a ledger locked by another process from the create until past the end of the run', () => {
  it('the result is saved, and its note says what the ledger holds and why nothing is paid again', async () => {
    const { items, context, server, ledger } = await inProcessRun(1);
    const locked = () => Promise.reject(Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' }));
    const held = Object.create(ledger) as typeof ledger;
    Object.assign(held, { recordAnswer: locked, recordSaved: locked });
    const [result] = await runItems(items, context({ ledger: held }), { limit: pLimit(1), failFast: false });
    expect(result).toMatchObject({ status: 'saved' });
    expect(result!.notes).toContain(
      `warning: saved, but the ledger could not record task ${result!.task_id} (database is locked): it still says "outcome unknown" for this item, without the task id (doctor and history will list it as unknown); nothing is paid again, as the next run finds ${result!.output} by name`,
    );
    expect(server.stats().tasks_created).toBe(1);
  });
});
