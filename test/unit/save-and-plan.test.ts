import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveStyle } from '../../src/catalog/styles.js';
import { parseDuration } from '../../src/core/duration.js';
import { UsageError } from '../../src/core/errors.js';
import { maskSecret, redact } from '../../src/core/secrets.js';
import { expandInputs } from '../../src/runner/inputs.js';
import { sanitizeStem, stemOfUrl } from '../../src/naming/stems.js';
import { planItems } from '../../src/runner/plan.js';
import { extensionOf } from '../../src/naming/extension.js';
import { writeAtomically } from '../../src/naming/write-atomically.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

describe('writeAtomically', () => {
  it('never replaces an existing file without overwrite: the result gets the next free name', async () => {
    const dir = tempDir();
    const target = join(dir, 'a.ghibli.jpg');
    writeFileSync(target, 'earlier');
    const saved = await writeAtomically(target, Buffer.from('new'), false);
    expect(saved).toBe(join(dir, 'a.ghibli-2.jpg'));
    expect(readFileSync(target, 'utf8')).toBe('earlier');
    expect(readdirSync(dir).sort()).toEqual(['a.ghibli-2.jpg', 'a.ghibli.jpg']);
  });

  it('replaces with overwrite and leaves no temp file', async () => {
    const dir = tempDir();
    const target = join(dir, 'deep', 'a.jpg');
    await writeAtomically(target, Buffer.from('one'), false);
    await writeAtomically(target, Buffer.from('two'), true);
    expect(readFileSync(target, 'utf8')).toBe('two');
    expect(readdirSync(join(dir, 'deep'))).toEqual(['a.jpg']);
  });

  it('names the extension from the bytes', () => {
    expect(extensionOf(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('jpg');
    expect(extensionOf(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))).toBe('png');
    expect(extensionOf(Buffer.from('RIFF....WEBPVP8 '))).toBe('webp');
    expect(extensionOf(Buffer.from('<html>'))).toBe('bin');
  });
});

describe('output names', () => {
  it('come from local names only, and stay inside the folder', () => {
    expect(sanitizeStem('../../etc/passwd')).toBe('_.._etc_passwd');
    expect(sanitizeStem('.hidden')).toBe('hidden');
    expect(stemOfUrl('https://example.com/photos/My%20Cat.jpeg?token=abc')).toBe('My Cat');
    expect(stemOfUrl('https://example.com/')).toBe('image');
    expect(stemOfUrl('https://example.com/a/..%2F..%2Fescape.jpg')).toBe('escape');
  });
});

describe('planItems', () => {
  const ghibli = resolveStyle('ghibli');
  const ink = resolveStyle('ink-wash');

  it('makes one item per input and style, named <stem>.<alias>', () => {
    const items = planItems(
      [
        { kind: 'file', path: 'shots/a.jpg', relativeDir: '' },
        { kind: 'url', url: 'https://x.test/b.png' },
      ],
      [ghibli, ink],
      'out',
    );
    expect(items.map((item) => item.outputBase)).toEqual(['out/a.ghibli', 'out/a.ink-wash', 'out/b.ghibli', 'out/b.ink-wash']);
  });

  it('saves beside the input without --out, and keeps subfolders under --out', () => {
    expect(planItems([{ kind: 'file', path: 'shots/a.jpg', relativeDir: '' }], [ghibli], undefined)[0]!.outputBase).toBe('shots/a.ghibli');
    expect(planItems([{ kind: 'file', path: 'shots/2024/a.jpg', relativeDir: '2024' }], [ghibli], 'out')[0]!.outputBase).toBe('out/2024/a.ghibli');
  });

  it('refuses two inputs that would write the same file, before anything is sent', () => {
    expect(() =>
      planItems(
        [
          { kind: 'file', path: 'one/a.jpg', relativeDir: '' },
          { kind: 'file', path: 'two/a.png', relativeDir: '' },
        ],
        [ghibli],
        'out',
      ),
    ).toThrow(UsageError);
  });

  it('treats the same file named twice as one input', () => {
    expect(
      planItems(
        [
          { kind: 'file', path: 'a.jpg', relativeDir: '' },
          { kind: 'file', path: './a.jpg', relativeDir: '' },
        ],
        [ghibli],
        'out',
      ),
    ).toHaveLength(1);
  });
});

describe('expandInputs', () => {
  it('lists image files of a folder, by extension or content, and descends with --recursive', async () => {
    const dir = tempDir();
    const jpeg = await makeImage(800, 600);
    writeFileSync(join(dir, 'a.jpg'), jpeg);
    writeFileSync(join(dir, 'no-extension'), jpeg);
    writeFileSync(join(dir, 'notes.txt'), 'not an image');
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'b.png'), jpeg);
    const readStdin = async () => '';
    const flat = await expandInputs([dir], { recursive: false, readStdin });
    expect(flat.map((source) => (source.kind === 'file' ? source.path : source.kind))).toEqual([join(dir, 'a.jpg'), join(dir, 'no-extension')]);
    const deep = await expandInputs([dir], { recursive: true, readStdin });
    expect(deep).toContainEqual({ kind: 'file', path: join(dir, 'sub', 'b.png'), relativeDir: 'sub' });
  });

  it('expands quoted globs, reads paths from stdin, and keeps URLs', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x1.jpg'), 'x');
    writeFileSync(join(dir, 'x2.jpg'), 'x');
    const sources = await expandInputs([`${dir}/x*.jpg`, '-', 'https://example.com/c.jpg', `${dir}/none*.jpg`], {
      recursive: false,
      readStdin: async () => `${dir}/from-stdin.jpg\r\n\n`,
    });
    expect(sources).toEqual([
      { kind: 'file', path: `${dir}/x1.jpg`, relativeDir: '' },
      { kind: 'file', path: `${dir}/x2.jpg`, relativeDir: '' },
      { kind: 'file', path: `${dir}/from-stdin.jpg`, relativeDir: '' },
      { kind: 'url', url: 'https://example.com/c.jpg' },
      { kind: 'unusable', label: `${dir}/none*.jpg`, problem: 'no files match this pattern' },
    ]);
  });
});

describe('small helpers', () => {
  it('parses durations', () => {
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('90s')).toBe(90_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(() => parseDuration('soon')).toThrow(UsageError);
    expect(() => parseDuration('0')).toThrow(UsageError);
  });

  it('masks keys: at most 3 + 4 characters, fewer for short keys', () => {
    expect(maskSecret('sk-abcdefghijklmnopqrstuvwxyz1234')).toBe('sk-****1234');
    expect(maskSecret('short-key1')).toBe('s****y1');
    expect(maskSecret('abc')).toBe('****');
    expect(maskSecret('sk-abcdefghijklmnopqrstuvwxyz1234')).not.toContain('abcdefghijklmnop');
    expect(redact('Bearer sk-1 and sk-1', 'sk-1')).toBe('Bearer [redacted] and [redacted]');
  });
});
