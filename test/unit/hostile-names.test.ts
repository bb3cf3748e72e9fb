import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStyle } from '../../src/catalog/styles.js';
import { systemClock } from '../../src/core/clock.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import { parseNameTemplate } from '../../src/naming/template.js';
import { gatherFacts } from '../../src/runner/item-facts.js';
import { planItems } from '../../src/runner/plan.js';
import { PreparedImageCache } from '../../src/runner/prepared-cache.js';
import { makeImage } from '../helpers/images.js';
import { RUN_SETTINGS } from '../helpers/runner.js';
import { tempDir } from '../helpers/tmp.js';
import { historyTable } from '../../src/commands/history/render.js';
import { sanitizeStem, stemOfPath, stemOfUrl } from '../../src/naming/stems.js';
import { row } from '../helpers/ledger-fixture.js';

describe('names from elsewhere', () => {
  it('a newline (or tab) in a file name cannot forge a row of the history table', () => {
    const forged = row({ at: '2026-11-27T10:00:00.000Z', input: 'a.jpg\n2026-11-27 10:00  evil.jpg  ghibli  t9  saved  x.jpg  $0.0000', output: 'o\tut.jpg' });
    const table = historyTable([forged]);
    expect(table.join('\n').split('\n')).toHaveLength(2);
    expect(table[1]).toContain('a.jpg 2026-11-27 10:00');
    expect(table[1]).toContain('o ut.jpg');
  });

  it('bidi controls never reach a saved file name (a URL segment %E2%80%AEgpj.exe)', () => {
    expect(stemOfUrl('https://example.com/%E2%80%AEgpj.exe.jpg')).toBe('_gpj.exe');
    for (const control of ['\u202a', '\u202b', '\u202c', '\u202d', '\u202e', '\u2066', '\u2067', '\u2068', '\u2069', '\u200e', '\u200f', '\u061c', '\u2028']) {
      expect(sanitizeStem(`a${control}b`)).toBe('a_b');
    }
    expect(stemOfPath('/photos/cat\u202egnp.jpg')).toBe('cat_gnp');
  });
});

describe('{task} in a name template', () => {
  it('IMG_1-edit-<id>.jpg is not taken for the result of IMG_1 when the ledger knows whose task it is', async () => {
    const dir = tempDir();
    const photos = ['IMG_1.jpg', 'IMG_1-edit.jpg'].map((name) => join(dir, name));
    for (const photo of photos) writeFileSync(photo, await makeImage(900, 700));
    const out = join(dir, 'out');
    mkdirSync(out);
    const items = planItems(
      photos.map((path) => ({ kind: 'file' as const, path, relativeDir: '' })),
      [resolveStyle('ghibli')],
      out,
      { template: parseNameTemplate('{stem}-{task}.{ext}'), dates: new Map() },
    );
    const ledger = SqliteLedger.inMemory(systemClock);
    const edit = items[1]!;
    const attempt = await ledger.recordIntent({
      key: 'k-edit',
      input: edit.input,
      inputSha256: 'x',
      style: 'ghibli',
      reqKey: 'r',
      subReqKey: null,
      options: {},
      outputBase: edit.outputBase,
    });
    await ledger.recordAnswer(attempt, 'd758n65e878c73cmdg20');
    const saved = join(out, 'IMG_1-edit-d758n65e878c73cmdg20.jpg');
    writeFileSync(saved, await makeImage(900, 700));
    await ledger.recordSaved('d758n65e878c73cmdg20', saved, '0.0300');
    const context = { ledger, images: new PreparedImageCache(items, null), settings: RUN_SETTINGS };
    const [first, second] = await Promise.all(items.map((item) => gatherFacts(item, context, 'look')));
    expect(first!.facts.existingOutput).toBeNull();
    expect(second!.facts.existingOutput).toBe(saved);
    ledger.close();
  });
});
