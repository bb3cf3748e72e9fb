import { describe, expect, it } from 'vitest';
import { resolveStyle } from '../../src/catalog/styles.js';
import type { LedgerEntry, LedgerStatus } from '../../src/ledger/ledger.js';
import { decide, type ItemFacts } from '../../src/runner/decide.js';
import type { PlannedItem } from '../../src/runner/plan.js';

const NOW = Date.UTC(2026, 0, 2);
const HOUR = 60 * 60 * 1000;
const item: PlannedItem = {
  index: 0,
  source: { kind: 'file', path: 'a.jpg', relativeDir: '' },
  input: 'a.jpg',
  style: resolveStyle('ghibli'),
  output: null,
  outputBase: 'a.ghibli',
};
const plain = { overwrite: false, retryFailed: false, resendUnknown: false };
const facts = (extra: Partial<ItemFacts> = {}): ItemFacts => ({
  problem: null,
  key: 'k',
  entry: null,
  existingOutput: null,
  savedAs: null,
  heldBy: null,
  ...extra,
});
const entry = (status: LedgerStatus, ageMs = HOUR, extra: Partial<LedgerEntry> = {}): LedgerEntry => ({
  attempt: 1,
  key: 'k',
  input: 'a.jpg',
  style: 'ghibli',
  outputBase: 'a.ghibli',
  intentAt: NOW - ageMs,
  origin: null,
  taskId: status === 'unknown' || status === 'never-sent' ? null : 't1',
  status,
  output: null,
  cost: null,
  errorCode: status === 'failed' ? '003008095' : null,
  worker: null,
  ...extra,
});

describe('decide', () => {
  it('creates a new item', () => {
    expect(decide(item, facts(), plain, NOW)).toEqual({ action: 'create', reason: null });
  });

  it('skips an existing output unless --overwrite, even before the image is read', () => {
    expect(decide(item, facts({ key: null, existingOutput: 'a.ghibli.jpg' }), plain, NOW)).toMatchObject({ action: 'skip', output: 'a.ghibli.jpg' });
    expect(decide(item, facts({ existingOutput: 'a.ghibli.jpg' }), { ...plain, overwrite: true }, NOW)).toMatchObject({ action: 'create' });
  });

  it('refuses an unusable input or one that fails the image check', () => {
    const unusable: PlannedItem = { ...item, source: { kind: 'unusable', label: 'x/', problem: 'no image files in this folder' } };
    expect(decide(unusable, facts({ key: null }), plain, NOW)).toMatchObject({
      action: 'refuse',
      reason: 'no image files in this folder',
      code: 'unusable-input',
    });
    expect(decide(item, facts({ key: null, problem: { code: 'min-size', message: 'too small', hint: 'use --fix' } }), plain, NOW)).toMatchObject({
      action: 'refuse',
      code: 'min-size',
      hint: 'use --fix',
    });
  });

  it('skips an item another live run is working on, naming its pid', () => {
    expect(decide(item, facts({ heldBy: 'pid 4242', entry: entry('unknown') }), plain, NOW)).toMatchObject({
      action: 'skip',
      output: null,
      reason: expect.stringContaining('pid 4242'),
    });
  });

  it('collects an open task, or a saved one whose file is gone, within 24 hours', () => {
    expect(decide(item, facts({ entry: entry('open') }), plain, NOW)).toMatchObject({ action: 'collect', taskId: 't1' });
    expect(decide(item, facts({ entry: entry('saved') }), plain, NOW)).toMatchObject({ action: 'collect', taskId: 't1' });
    expect(decide(item, facts({ entry: entry('saved') }), { ...plain, overwrite: true }, NOW)).toMatchObject({ action: 'create' });
  });

  it("collects an open task past 24 hours too: this computer's clock may be wrong, the run asks the server first", () => {
    expect(decide(item, facts({ entry: entry('open', 25 * HOUR) }), plain, NOW)).toMatchObject({
      action: 'collect',
      taskId: 't1',
      reason: expect.stringContaining('older than 24 hours by this computer'),
    });
    expect(decide(item, facts({ entry: entry('saved', 25 * HOUR) }), plain, NOW)).toMatchObject({ action: 'collect', taskId: 't1' });
    // Once the server said 404, the run records it expired and creates.
    expect(decide(item, facts({ entry: entry('expired', 25 * HOUR) }), plain, NOW)).toEqual({ action: 'create', reason: null });
  });

  it('a result saved elsewhere (rescued, another {date} folder) is not paid again at any age; within 24 h it is collected into place', () => {
    const rescued = '/state/rescued/t1.jpg';
    for (const age of [25 * HOUR, 30 * 24 * HOUR]) {
      for (const status of ['saved', 'expired', 'never-sent', 'failed'] as const) {
        expect(decide(item, facts({ entry: entry(status, age), savedAs: rescued }), plain, NOW), status).toMatchObject({
          action: 'skip',
          output: rescued,
          reason: expect.stringContaining(`saved as ${rescued}`),
        });
      }
    }
    expect(decide(item, facts({ entry: entry('saved'), savedAs: rescued }), plain, NOW)).toMatchObject({ action: 'collect', taskId: 't1' });
    expect(decide(item, facts({ entry: entry('saved', 25 * HOUR), savedAs: rescued }), { ...plain, overwrite: true }, NOW)).toMatchObject({ action: 'create' });
  });

  it('refuses a task that failed in an earlier run unless --retry-failed', () => {
    expect(decide(item, facts({ entry: entry('failed') }), plain, NOW)).toMatchObject({
      action: 'refuse',
      code: '003008095',
      taskId: 't1',
      reason: expect.stringContaining('--retry-failed'),
    });
    expect(decide(item, facts({ entry: entry('failed') }), { ...plain, retryFailed: true }, NOW)).toMatchObject({ action: 'create' });
    expect(decide(item, facts({ entry: entry('failed', 30 * HOUR) }), plain, NOW)).toMatchObject({ action: 'create' });
  });

  it('never sends an unknown outcome again on its own, however old; --resend-unknown does', () => {
    for (const age of [HOUR, 30 * 24 * HOUR]) {
      const decision = decide(item, facts({ entry: entry('unknown', age) }), plain, NOW);
      expect(decision.action).toBe('unknown');
      expect(decision.reason).toContain('--resend-unknown');
    }
    expect(decide(item, facts({ entry: entry('unknown') }), { ...plain, resendUnknown: true }, NOW)).toMatchObject({
      action: 'create',
      reason: expect.stringContaining('--resend-unknown'),
    });
  });

  it('sends again what provably never left, and what expired', () => {
    expect(decide(item, facts({ entry: entry('never-sent') }), plain, NOW)).toEqual({ action: 'create', reason: null });
    expect(decide(item, facts({ entry: entry('expired') }), plain, NOW)).toEqual({ action: 'create', reason: null });
  });

  it('uses the time it is given, not the wall clock', () => {
    const open = facts({ entry: entry('open', 0) });
    expect(decide(item, open, plain, NOW + 23 * HOUR).action).toBe('collect');
    expect(decide(item, open, plain, NOW + 23 * HOUR).reason).toBe('task t1 from an earlier run');
    expect(decide(item, open, plain, NOW + 24 * HOUR).reason).toContain('older than 24 hours');
  });
});
