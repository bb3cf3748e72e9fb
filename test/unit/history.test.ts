import { describe, expect, it } from 'vitest';
import { historyFilter, parseSince } from '../../src/commands/history/filter.js';
import { createSparkStyle } from '../../src/index.js';
import { historyJsonLine, historyTable, totalCost, totalLine } from '../../src/commands/history/render.js';
import { systemClock } from '../../src/core/clock.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { fillLedger, row } from '../helpers/ledger-fixture.js';
import { dirname, join } from 'node:path';
import { tempDir } from '../helpers/tmp.js';

const NOW = Date.parse('2026-11-27T12:00:00Z');

describe('history filters', () => {
  it('reads --since as an age or a date', async () => {
    expect(parseSince('2d', NOW)).toBe(Date.parse('2026-11-25T12:00:00Z'));
    expect(parseSince('1w', NOW)).toBe(Date.parse('2026-11-20T12:00:00Z'));
    expect(parseSince('90m', NOW)).toBe(NOW - 90 * 60_000);
    expect(parseSince('2026-11-01T00:00:00Z', NOW)).toBe(Date.parse('2026-11-01T00:00:00Z'));
    const midnight = new Date(NOW);
    midnight.setHours(0, 0, 0, 0);
    expect(parseSince('today', NOW)).toBe(midnight.getTime());
    midnight.setDate(midnight.getDate() - 1);
    expect(parseSince('yesterday', NOW)).toBe(midnight.getTime());
    expect(() => parseSince('last week', NOW)).toThrow(
      '--since "last week" is not an age or a date; use an age (90m, 12h, 2d, 1w), a date (2026-11-01), today or yesterday',
    );
    expect(() => parseSince('2026-13-45', NOW)).toThrow(/is not a date/);
  });

  it('matches a style by alias however it was typed, and refuses unknown statuses and styles', async () => {
    expect(historyFilter({ style: 'img2img_water_paint_style_usage', status: 'Unknown', limit: 5 }, NOW)).toEqual({
      style: 'watercolor',
      status: 'unknown',
      limit: 5,
    });
    expect(() => historyFilter({ status: 'done' }, NOW)).toThrow(/use one of saved, failed, open, unknown, expired, never-sent/);
    expect(() => historyFilter({ style: 'watercolour' }, NOW)).toThrow(/did you mean "watercolor"/);
  });

  it('the ledger answers newest first, filtered', async () => {
    const path = join(tempDir(), 'ledger.db');
    await fillLedger(path, [
      row({ at: '2026-11-20T10:00:00.000Z', input: 'old.jpg', cost: '0.0300' }),
      row({ at: '2026-11-26T10:00:00.000Z', input: 'a.jpg', style: 'clay', status: 'failed', error_code: '003008095' }),
      row({ at: '2026-11-27T10:00:00.000Z', input: 'b.jpg', status: 'unknown' }),
    ]);
    // Through the library, as the command asks: the flags as a filter, the ledger in the state folder.
    const client = createSparkStyle({ stateDir: dirname(path) });
    const inputs = async (flags: Parameters<typeof historyFilter>[0]) => (await client.history(historyFilter(flags, NOW))).map((r) => r.input);
    expect(await inputs({ since: '2d' })).toEqual(['b.jpg', 'a.jpg']);
    expect(await inputs({ style: 'clay' })).toEqual(['a.jpg']);
    expect(await inputs({ status: 'unknown' })).toEqual(['b.jpg']);
    await client.close();
    const ledger = SqliteLedger.open(path, systemClock);
    try {
      expect(await ledger.counts()).toEqual({ open: 0, unknown: 1 });
    } finally {
      await ledger.close();
    }
  });
});

describe('history output', () => {
  const rows = [
    row({ at: '2026-11-27T10:00:00.000Z', input: 'b.jpg', task_id: 't2', output: 'b.ghibli.jpg', cost: '0.0300' }),
    row({ at: '2026-11-27T09:00:00.000Z', input: 'a.jpg', task_id: 't1', status: 'failed', cost: '0.0100', error_code: '003008095' }),
    row({ at: '2026-11-27T08:00:00.000Z', input: 'c.jpg', status: 'never-sent' }),
  ];

  it('JSON lines have the same keys in the same order, null where unknown', async () => {
    const keys = rows.map((r) => Object.keys(JSON.parse(historyJsonLine(r)) as object));
    for (const list of keys) expect(list).toEqual(['at', 'input', 'style', 'task_id', 'status', 'output', 'cost', 'error_code', 'worker']);
    expect(JSON.parse(historyJsonLine(rows[2]!))).toMatchObject({ task_id: null, output: null, cost: null });
  });

  it('the table has a header and a dash for what is unknown; the total counts exact cents', async () => {
    const table = historyTable(rows);
    expect(table[0]).toMatch(/^WHEN\s+INPUT\s+STYLE\s+TASK ID\s+STATUS\s+OUTPUT\s+COST$/);
    expect(table[1]).toMatch(/b\.jpg\s+ghibli\s+t2\s+saved\s+b\.ghibli\.jpg\s+\$0\.0300$/);
    expect(table[3]).toMatch(/c\.jpg\s+ghibli\s+-\s+never-sent\s+-\s+-$/);
    const many = Array.from({ length: 10 }, (_, n) => row({ at: 'x', input: `${n}`, cost: '0.1000' }));
    expect(totalCost(many).usd).toBe(1);
    expect(totalLine(totalCost(rows))).toBe('total: $0.0400 over 3 rows (2 with a known cost)');
  });
});
