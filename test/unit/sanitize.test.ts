import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { redact, urlWithoutPassword, withoutApiKey, withoutLedgerPassword } from '../../src/core/secrets.js';
import { shellCommand } from '../../src/core/shell-quote.js';
import { createIO } from '../../src/terminal/io.js';
import { escapeJsonLine, forDisplay, sanitizeLine } from '../../src/terminal/sanitize.js';

/** Every attack from issue 12 #4, plus the 8-bit forms. */
const ATTACKS = {
  title: '\u001b]0;owned\u0007',
  titleSt: '\u001b]2;owned\u001b\\',
  clear: '\u001b[2J\u001b[H',
  link: '\u001b]8;;https://evil.example/\u0007click\u001b]8;;\u0007',
  overwrite: '\r\u001b[1A\u001b[2Ksaved 1, failed 0',
  csi8bit: '\u009b2J',
  osc8bit: '\u009d0;owned\u009c',
  bidi: 'abc\u202eexe.jpg\u2066x\u2069',
  bell: 'a\u0007b\u0008c\u007f',
};
const TERMINAL_ACTS_ON = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function captureIO(env: NodeJS.ProcessEnv = { NO_COLOR: '1' }, stderrIsTTY = false) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: string[] = [];
  const err: string[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk.toString('utf8')));
  stderr.on('data', (chunk: Buffer) => err.push(chunk.toString('utf8')));
  const io = createIO({ stdout, stderr, stdin: new PassThrough(), stdoutIsTTY: false, stderrIsTTY, stdinIsTTY: false, env });
  return { io, out: () => out.join(''), err: () => err.join('') };
}

describe('forDisplay', () => {
  it.each(Object.entries(ATTACKS))('leaves nothing a terminal acts on (%s)', (_name, attack) => {
    const shown = forDisplay(`before ${attack} after`);
    expect(shown).not.toMatch(TERMINAL_ACTS_ON);
    expect(shown).not.toMatch(/\n/);
    expect(shown).toMatch(/^before .*after$/);
  });

  it('drops escape sequences with their parameters (no window title or link target left behind)', () => {
    expect(forDisplay(`x${ATTACKS.title}y`)).toBe('xy');
    expect(forDisplay(`x${ATTACKS.link}y`)).toBe('xclicky');
    expect(forDisplay(`x${ATTACKS.osc8bit}y`)).toBe('xy');
  });

  it('cuts a long message and says how much was left out', () => {
    const shown = forDisplay('a'.repeat(10 * 1024 * 1024));
    expect(shown.length).toBeLessThan(600);
    expect(shown).toMatch(/… \(10485260 more characters\)$/);
  });

  it('keeps ordinary text, accents and emoji as they are', () => {
    expect(forDisplay('Café 東京 🎨 photo (1).jpg')).toBe('Café 東京 🎨 photo (1).jpg');
  });
});

describe('sanitizeLine and escapeJsonLine', () => {
  it('keeps our own colour only when colour is on', () => {
    const red = '\u001b[31m✖\u001b[39m failed';
    expect(sanitizeLine(red, true)).toBe(red);
    expect(sanitizeLine(red, false)).toBe('✖ failed');
    expect(sanitizeLine(`ok ${ATTACKS.clear}${ATTACKS.title}`, true)).toBe('ok ');
  });

  it('escapes instead of dropping in JSON, so the value parses back exactly', () => {
    const value = { message: `m\u009b2J\u202e\u2028x` };
    const line = escapeJsonLine(JSON.stringify(value));
    expect(line).not.toMatch(TERMINAL_ACTS_ON);
    expect(line).toContain('\\u009b');
    expect(JSON.parse(line)).toEqual(value);
  });
});

describe('IO prints nothing a terminal acts on', () => {
  it.each(Object.entries(ATTACKS))('on stdout and stderr (%s)', (_name, attack) => {
    const { io, out, err } = captureIO();
    io.print(`photo${attack}.jpg`);
    io.info(`✖ photo.jpg: ${attack}`);
    expect(out()).not.toMatch(TERMINAL_ACTS_ON);
    expect(err()).not.toMatch(TERMINAL_ACTS_ON);
  });

  it('prints --json lines as the exact value, hostile characters escaped', () => {
    const { io, out } = captureIO();
    const report = { task_id: 'abc', status: 'failed', error: { code: null, message: `\u001b]0;t\u0007\u009b2J\u202eok` } };
    io.print(JSON.stringify(report));
    expect(out()).not.toMatch(TERMINAL_ACTS_ON);
    expect(JSON.parse(out())).toEqual(report);
  });

  it('keeps its own colour on a colour terminal', () => {
    const { io, err } = captureIO({ FORCE_COLOR: '1' }, true);
    io.info('\u001b[31merror:\u001b[39m boom');
    expect(err()).toBe('\u001b[31merror:\u001b[39m boom\n');
  });
});

describe('redaction (issue 12 #12)', () => {
  it('redacts a short key where it stands as a word, and leaves words that merely contain it', () => {
    const { io, err } = captureIO();
    io.addSecret('k3y');
    io.info('Bearer k3y rejected; k3yboard and monk3y stay');
    expect(err()).toBe('Bearer [redacted] rejected; k3yboard and monk3y stay\n');
  });

  it('redacts a key with quotes in every form: plain, shell-quoted, JSON-escaped, URL-encoded', () => {
    const key = `sk-it's"a-key\\x`;
    const { io, err } = captureIO();
    io.addSecret(key);
    io.info(shellCommand(['spark-style', 'stylize', 'a.jpg', '--api-key', key]));
    io.info(JSON.stringify({ key }));
    io.info(`https://x/?k=${encodeURIComponent(key)}`);
    io.info(`raw ${key}`);
    const text = err();
    expect(text).not.toContain('a-key');
    expect(text.match(/\[redacted\]/g)).toHaveLength(4);
  });

  it('redact() covers the shell-quoted form on its own', () => {
    expect(redact(`--api-key 'ab'\\''cdefgh'`, `ab'cdefgh`)).toBe('--api-key [redacted]');
  });

  it('never puts the key into a suggested command', () => {
    expect(withoutApiKey(['stylize', 'a.jpg', '--api-key', "k'ey", '--style', 'ghibli'])).toEqual(['stylize', 'a.jpg', '--style', 'ghibli']);
    expect(withoutApiKey(['stylize', '--api-key=secret', 'a.jpg'])).toEqual(['stylize', 'a.jpg']);
  });

  it('never puts a ledger password into a suggested command or a shown URL', () => {
    const url = 'postgres://spark:p%40ss-w0rd@db.internal:5432/spark?sslmode=require';
    expect(urlWithoutPassword(url)).toBe('postgres://spark@db.internal:5432/spark?sslmode=require');
    expect(withoutLedgerPassword(['stylize', 'a.jpg', '--ledger', url])).toEqual([
      'stylize',
      'a.jpg',
      '--ledger',
      'postgres://spark@db.internal:5432/spark?sslmode=require',
    ]);
    expect(withoutLedgerPassword([`--ledger=${url}`]).join(' ')).not.toContain('w0rd');
    // Not a URL at all: cut at the "@", so whatever came before it (a password typed wrong) is not shown.
    expect(urlWithoutPassword('postgres://spark:pw@db:99999/x')).toBe('[redacted]@db:99999/x');
  });
});
