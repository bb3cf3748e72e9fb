import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { type CheckResult, createSparkStyle, UsageError } from '../../src/index.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/** check({ fix }) in-process, as a program uses it: real images, real copies on disk; nothing is sent, so no server. */
async function photos() {
  const dir = tempDir();
  const small = join(dir, 'small.jpg');
  writeFileSync(small, await makeImage(300, 200));
  const webp = join(dir, 'shot.webp');
  writeFileSync(webp, await makeImage(1000, 800, 'webp'));
  return { dir, small, webp, out: join(dir, 'ready') };
}

async function all(results: AsyncIterable<CheckResult>): Promise<CheckResult[]> {
  const list: CheckResult[] = [];
  for await (const one of results) list.push(one);
  return list;
}

describe('the library: check with fix', () => {
  it('writes an API-ready copy the check then passes; the original is untouched', async () => {
    const { small, out } = await photos();
    const before = readFileSync(small);
    const client = createSparkStyle();
    const verdict = await client.check(small, { fix: { outDir: out } });
    expect(verdict).toMatchObject({ ok: false, fixable: true, fixErrors: [] });
    expect(verdict.errors.map((error) => error.rule)).toContain('min-size');
    expect(verdict.fixed?.output).toBe(join(out, 'small.jpg'));
    expect(verdict.fixed?.changes.join(' ')).toMatch(/600|800|upscal|resiz/i);
    const copy = await client.check(verdict.fixed!.output);
    expect(copy.ok).toBe(true);
    expect(readFileSync(small).equals(before)).toBe(true);
  });

  it('checkAll with fix: every file in the order given, a WebP converted to JPEG', async () => {
    const { small, webp, out } = await photos();
    const results = await all(createSparkStyle().checkAll([webp, small], { fix: { outDir: out } }));
    expect(results.map((result) => result.file)).toEqual([webp, small]);
    expect(results.map((result) => result.fixed?.output)).toEqual([join(out, 'shot.jpg'), join(out, 'small.jpg')]);
    expect((await sharp(join(out, 'shot.jpg')).metadata()).format).toBe('jpeg');
  });

  it('a different copy already there is kept unless overwrite', async () => {
    const { small, out } = await photos();
    const client = createSparkStyle();
    await client.check(small, { fix: { outDir: out } });
    const mine = Buffer.from('my own edit');
    writeFileSync(join(out, 'small.jpg'), mine);
    const kept = await client.check(small, { fix: { outDir: out } });
    expect(kept.fixed).toBeNull();
    expect(kept.fixErrors?.map((error) => error.rule)).toEqual(['exists']);
    expect(readFileSync(join(out, 'small.jpg')).equals(mine)).toBe(true);
    const replaced = await client.check(small, { fix: { outDir: out, overwrite: true } });
    expect(replaced.fixed?.output).toBe(join(out, 'small.jpg'));
    expect(readFileSync(join(out, 'small.jpg')).equals(mine)).toBe(false);
  });

  it('two inputs that would be the same copy are refused before anything is written', async () => {
    const { dir, small, out } = await photos();
    const other = join(dir, 'small.png');
    writeFileSync(other, await makeImage(700, 900, 'png'));
    const error = await all(createSparkStyle().checkAll([small, other], { fix: { outDir: out } })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).code).toBe('output-collision');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });

  it('an image that cannot be made valid: no copy, and the reason', async () => {
    const { dir, out } = await photos();
    const broken = join(dir, 'broken.jpg');
    writeFileSync(broken, Buffer.from('not an image at all'));
    const verdict = await createSparkStyle().check(broken, { fix: { outDir: out } });
    expect(verdict.ok).toBe(false);
    expect(verdict.fixed).toBeNull();
    expect(verdict.fixErrors?.length).toBeGreaterThan(0);
    expect(readdirSync(out)).toEqual([]);
  });
});
