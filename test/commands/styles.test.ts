import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STYLES } from '../../src/catalog/styles.js';
import { stylePrices } from '../../src/engine/style-prices.js';
import { runStyles } from '../../src/commands/styles/run.js';
import type { HistoryRow } from '../../src/ledger/ledger.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { fillLedger } from '../helpers/ledger-fixture.js';
import { memoryIO } from '../helpers/terminal.js';
import { tempDir } from '../helpers/tmp.js';

const aliases = STYLES.map((style) => style.alias);

function saved(index: number, style: string, cost: string): HistoryRow {
  return {
    at: `2026-11-0${index + 1}T10:00:00Z`,
    input: `/p/${index}.jpg`,
    style,
    task_id: `task${index}`,
    status: 'saved',
    output: null,
    cost,
    error_code: null,
    worker: null,
  };
}

describe('styles shows prices where the ledger knows them', () => {
  it('a price column from the recent tasks: own median, ~ for a style priced at the median of all, - for none', async () => {
    const configDir = tempDir();
    await fillLedger(join(configDir, 'ledger.db'), [saved(0, 'ghibli', '0.0300'), saved(1, 'ghibli', '0.0500'), saved(2, 'clay', '0.0100')]);
    const { io, stdout, stderr } = memoryIO('pipe', { NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: configDir });
    const prices = await stylePrices(aliases, io.env, fakeClock());
    runStyles({}, io, prices);
    const rows = new Map(
      stdout()
        .trim()
        .split('\n')
        .map((line) => line.split('\t'))
        .map((cells) => [cells[0], cells[4]]),
    );
    expect(rows.get('ghibli')).toBe('$0.0400');
    expect(rows.get('clay')).toBe('$0.0100');
    expect(rows.get('anime')).toBe('~$0.0300');
    expect(stderr()).toContain("price: the median cost of each style's recent tasks in your task ledger");

    const json = memoryIO('pipe', { NO_COLOR: '1' });
    runStyles({ json: true }, json.io, prices);
    const ghibli = (JSON.parse(json.stdout()) as Record<string, unknown>[]).find((row) => row.alias === 'ghibli');
    expect(ghibli).toMatchObject({ price_usd: '0.0400', price_basis: 'style' });
  });

  it('with no ledger, no price is invented: "-", and where to look and what --budget does', async () => {
    const { io, stdout, stderr } = memoryIO('pipe', { NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: tempDir() });
    const prices = await stylePrices(aliases, io.env, fakeClock());
    expect(prices).toBeNull();
    runStyles({}, io, prices);
    expect(stdout().split('\n')[0]).toBe('ghibli\tInfluencer Anime Style\timg2img_ghibli_style_usage\t-\t-');
    expect(stderr()).toBe(
      'price: not known yet (no task with a cost in your task ledger): the Vtrix console lists the prices; with --budget, a run creates one task first and waits for its cost before starting more\n',
    );
  });
});
