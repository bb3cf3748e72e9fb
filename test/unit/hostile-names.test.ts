import { describe, expect, it } from 'vitest';
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
