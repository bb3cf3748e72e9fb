import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { prepareFile } from '../../src/image/prepare.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

const GRADIENT_HEIC = new URL('../fixtures/gradient_900x700.heic', import.meta.url).pathname;
const hashOf = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function write(name: string, bytes: Buffer | Promise<Buffer>): Promise<string> {
  const path = join(tempDir(), name);
  writeFileSync(path, await bytes);
  return path;
}

describe('formats the API cannot take, converted without --fix', () => {
  it.each([
    ['WebP', 'photo.webp', () => makeImage(800, 600, 'webp')],
    ['AVIF', 'photo.avif', () => makeImage(800, 600, 'avif')],
    ['TIFF', 'photo.tiff', () => makeImage(800, 600, 'tiff')],
  ])('sends a %s as a JPEG of the same size, keyed by the original bytes, with one note', async (name, file, make) => {
    const path = await write(file, make());
    const prepared = await prepareFile(path, null);
    const sent = await sharp(prepared.bytes).metadata();
    expect([sent.format, sent.width, sent.height]).toEqual(['jpeg', 800, 600]);
    expect(prepared.sha256).toBe(hashOf(path));
    expect(prepared.changes).toEqual([]);
    expect(prepared.notes).toEqual([`converted ${name} to JPEG for the API (the original is not changed; --no-convert refuses instead)`]);
  });

  it('decodes an iPhone HEIC (HEVC) with libheif and sends it as JPEG', async () => {
    const prepared = await prepareFile(GRADIENT_HEIC, null);
    const sent = await sharp(prepared.bytes).metadata();
    expect([sent.format, sent.width, sent.height]).toEqual(['jpeg', 900, 700]);
    expect(prepared.sha256).toBe(hashOf(GRADIENT_HEIC));
  });

  it('refuses a truncated HEIC with the decodes rule (decoded once, by the conversion)', async () => {
    const whole = readFileSync(GRADIENT_HEIC);
    const cut = await write('cut.heic', whole.subarray(0, whole.length - 300));
    await expect(prepareFile(cut, null)).rejects.toMatchObject({
      kind: 'input',
      code: 'decodes',
      message: expect.stringContaining('HEIC image could not be decoded'),
    });
  });

  it("keeps a GIF's first frame and says so", async () => {
    const frame = (colour: string) =>
      sharp({ create: { width: 1000, height: 800, channels: 3, background: colour } })
        .raw()
        .toBuffer();
    const frames = Buffer.concat([await frame('#ff0000'), await frame('#0000ff')]);
    const gif = await sharp(frames, { raw: { width: 1000, height: 1600, channels: 3, pageHeight: 800 } } as never)
      .gif()
      .toBuffer();
    const path = await write('anim.gif', gif);
    const prepared = await prepareFile(path, null);
    const { data, info } = await sharp(prepared.bytes).raw().toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([1000, 800]);
    expect(data[0]).toBeGreaterThan(200); // red: the first frame
    expect(prepared.notes?.[0]).toContain('converted GIF to JPEG (the first of 2 frames)');
  });

  it('keeps transparency as PNG', async () => {
    const transparent = await sharp({ create: { width: 1000, height: 800, channels: 4, background: { r: 0, g: 128, b: 0, alpha: 0.3 } } })
      .webp()
      .toBuffer();
    const prepared = await prepareFile(await write('clear.webp', transparent), null);
    expect((await sharp(prepared.bytes).metadata()).format).toBe('png');
    expect(prepared.notes?.[0]).toContain('converted WebP to PNG');
  });

  it('--no-convert refuses the format as before', async () => {
    const path = await write('photo.webp', makeImage(1200, 900, 'webp'));
    await expect(prepareFile(path, null, false)).rejects.toMatchObject({ kind: 'input', code: 'format' });
  });

  it('leaves a change of the picture to --fix: a small WebP is refused, not upscaled', async () => {
    const path = await write('small.webp', makeImage(400, 300, 'webp'));
    await expect(prepareFile(path, null)).rejects.toMatchObject({ kind: 'input', code: 'format', hint: expect.stringContaining('--fix') });
  });
});
