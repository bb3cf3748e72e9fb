import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp, { type Metadata } from 'sharp';
import { describe, expect, it } from 'vitest';
import { repairImage, targetSize } from '../../src/image/fix.js';
import { stripMetadata } from '../../src/image/strip-metadata.js';
import { makeImage, pngBombHeader } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

function file(bytes: Buffer, name: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

async function fixBytes(bytes: Buffer, name: string, keepMetadata = false) {
  const path = file(bytes, name);
  const prepared = await repairImage(path, { keepMetadata });
  expect(readFileSync(path).equals(bytes)).toBe(true); // the original is never touched
  const meta = await sharp(prepared.bytes).metadata();
  return { prepared, meta };
}

const accepted = (meta: Metadata, bytes: Buffer) => {
  expect(['jpeg', 'png']).toContain(meta.format);
  expect(bytes.length).toBeLessThanOrEqual(5 * 1024 * 1024);
  expect(Math.min(meta.width, meta.height)).toBeGreaterThanOrEqual(600);
  expect(Math.max(meta.width, meta.height)).toBeGreaterThanOrEqual(800);
  expect(Math.max(meta.width, meta.height)).toBeLessThanOrEqual(4096);
  expect(meta.orientation ?? 1).toBe(1);
  expect(meta.depth).toBe('uchar');
  expect(meta.space).toBe('srgb');
};

describe('repairImage: formats', () => {
  it.each([
    ['webp', 'WebP'],
    ['avif', 'AVIF'],
    ['tiff', 'TIFF'],
  ] as const)('converts %s to JPEG', async (format, name) => {
    const { prepared, meta } = await fixBytes(await makeImage(1000, 800, format), `photo.${format}`);
    accepted(meta, prepared.bytes);
    expect(meta.format).toBe('jpeg');
    expect(prepared.changes[0]).toBe(`converted ${name}`);
  });

  it('keeps the first frame of an animated GIF', async () => {
    const frames = await Promise.all(
      ['#c0392b', '#2980b9', '#27ae60'].map((background) =>
        sharp({ create: { width: 900, height: 700, channels: 3, background } })
          .png()
          .toBuffer(),
      ),
    );
    const gif = await sharp(frames, { join: { animated: true } })
      .gif()
      .toBuffer();
    expect((await sharp(gif).metadata()).pages).toBe(3);
    const { prepared, meta } = await fixBytes(gif, 'anim.gif');
    accepted(meta, prepared.bytes);
    expect(prepared.changes).toContain('kept the first of 3 frames');
    const { dominant } = await sharp(prepared.bytes).stats();
    expect(dominant.r).toBeGreaterThan(dominant.b); // red, the first frame
  });

  it('converts CMYK to sRGB', async () => {
    const cmyk = await sharp(await makeImage(1000, 800, 'png'))
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    expect((await sharp(cmyk).metadata()).space).toBe('cmyk');
    const { prepared, meta } = await fixBytes(cmyk, 'print.jpg');
    accepted(meta, prepared.bytes);
    expect(prepared.changes).toContain('converted CMYK to sRGB');
  });

  it('converts a 16-bit PNG to 8 bits', async () => {
    const deep = await sharp(await makeImage(1000, 800, 'png'))
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    expect((await sharp(deep).metadata()).depth).toBe('ushort');
    const { prepared, meta } = await fixBytes(deep, 'deep.png');
    accepted(meta, prepared.bytes);
    expect(prepared.changes).toContain('converted 16-bit to 8-bit');
  });

  it('keeps a palette PNG with transparency as PNG, with full colour', async () => {
    const palette = await sharp({ create: { width: 1000, height: 800, channels: 4, background: { r: 200, g: 40, b: 40, alpha: 0.5 } } })
      .png({ palette: true })
      .toBuffer();
    const { prepared, meta } = await fixBytes(palette, 'logo.png');
    accepted(meta, prepared.bytes);
    expect(meta.format).toBe('png');
    expect(meta.hasAlpha).toBe(true);
    expect(meta.isPalette).toBeFalsy();
  });

  it('keeps transparency as PNG, and treats an all-opaque alpha channel as none', async () => {
    const webp = await sharp({ create: { width: 1000, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .webp()
      .toBuffer();
    const { prepared, meta } = await fixBytes(webp, 'clear.webp');
    expect(meta.format).toBe('png'); // transparency matters: PNG fits in 5 MB
    const opaque = await sharp({ create: { width: 1000, height: 800, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 1 } } })
      .webp()
      .toBuffer();
    const flat = await fixBytes(opaque, 'opaque.webp');
    expect(flat.meta.format).toBe('jpeg'); // an alpha channel that is all opaque does not matter
    expect(prepared.changes).toContain('saved as PNG to keep the transparency');
  });
});

describe('repairImage: transparency that does not fit', () => {
  it('flattens onto white as JPEG when the PNG would be over 5 MB', async () => {
    // Noise does not compress: 2 MP of it is about 7 MB as PNG, and quick to make at compression level 1.
    const noisy = await sharp({ create: { width: 1600, height: 1300, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 128, sigma: 70 } } })
      .ensureAlpha(0.5)
      .png({ compressionLevel: 1 })
      .toBuffer();
    const { prepared, meta } = await fixBytes(noisy, 'glass.png');
    expect(meta.format).toBe('jpeg');
    expect(prepared.changes).toContain('flattened the transparency onto white (as PNG it was over 5 MB)');
    accepted(meta, prepared.bytes);
  });
});

describe('repairImage: geometry and size', () => {
  it('bakes EXIF orientation into the pixels', async () => {
    const { prepared, meta } = await fixBytes(await makeImage(1000, 700, 'jpeg', { orientation: 6 }), 'sideways.jpg');
    accepted(meta, prepared.bytes);
    expect([meta.width, meta.height]).toEqual([700, 1000]);
    expect(prepared.changes).toContain('rotated upright (EXIF orientation 6)');
  });

  it('downscales so that neither side exceeds 4096', async () => {
    const { prepared, meta } = await fixBytes(await makeImage(6000, 4000, 'jpeg'), 'huge.jpg');
    accepted(meta, prepared.bytes);
    expect([meta.width, meta.height]).toEqual([4096, 2730]);
    expect(prepared.changes).toContain('downscaled 6000x4000 to 4096x2730');
  });

  it('upscales a small photo by max(600 / short, 800 / long), with a warning', async () => {
    const { prepared, meta } = await fixBytes(await makeImage(640, 427, 'jpeg'), 'small.jpg');
    accepted(meta, prepared.bytes);
    expect([meta.width, meta.height]).toEqual([900, 600]);
    expect(prepared.warnings[0]).toMatch(/quality will suffer/);
    expect(targetSize(700, 700)).toEqual({ width: 800, height: 800 });
    expect(targetSize(500, 1000)).toEqual({ width: 600, height: 1200 });
  });

  it('refuses a shape that cannot fit both limits', () => {
    expect(() => targetSize(100, 4000)).toThrow(/too narrow/);
  });

  it('re-encodes with decreasing quality until it fits 5 MB', async () => {
    // 8 MP of noise: over 5 MB even as a JPEG at the first quality tried.
    const noisy = await sharp({ create: { width: 3300, height: 2500, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 128, sigma: 70 } } })
      .png({ compressionLevel: 1 })
      .toBuffer();
    expect(noisy.length).toBeGreaterThan(5 * 1024 * 1024);
    const { prepared, meta } = await fixBytes(noisy, 'noise.png');
    accepted(meta, prepared.bytes);
    expect(prepared.changes.join(' ')).toMatch(/encoded as JPEG at quality \d+ to fit 5 MB/);
  });
});

describe('repairImage: metadata', () => {
  async function withGps(): Promise<Buffer> {
    return sharp(await makeImage(1000, 800, 'png'))
      .withExif({ IFD0: { Make: 'PhoneCo', Model: 'P1' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '51/1 30/1 0/1' } })
      .jpeg({ quality: 90 })
      .toBuffer();
  }

  it('strips EXIF (with GPS) without re-encoding the pixels', async () => {
    const original = await withGps();
    expect((await sharp(original).metadata()).exif).toBeDefined();
    const { prepared, meta } = await fixBytes(original, 'gps.jpg');
    expect(meta.exif).toBeUndefined();
    expect(prepared.bytes.includes(Buffer.from('PhoneCo'))).toBe(false);
    expect(prepared.changes).toEqual(['removed metadata (EXIF) without re-encoding']);
    const pixels = async (bytes: Buffer) => sharp(bytes).raw().toBuffer();
    expect((await pixels(prepared.bytes)).equals(await pixels(original))).toBe(true);
  });

  it('with keepMetadata sends a valid file exactly as it is', async () => {
    const original = await withGps();
    const { prepared } = await fixBytes(original, 'gps.jpg', true);
    expect(prepared.bytes.equals(original)).toBe(true);
    expect(prepared.changes).toEqual([]);
  });

  it('keeps metadata through a conversion with keepMetadata, and drops it without', async () => {
    const webp = await sharp(await makeImage(1000, 800, 'png'))
      .withExif({ IFD0: { Make: 'PhoneCo' } })
      .webp()
      .toBuffer();
    expect((await fixBytes(webp, 'a.webp', true)).meta.exif).toBeDefined();
    expect((await fixBytes(webp, 'b.webp', false)).meta.exif).toBeUndefined();
  });

  it('sends a clean valid file untouched', async () => {
    const clean = await makeImage(1000, 800, 'jpeg');
    const { prepared } = await fixBytes(clean, 'clean.jpg');
    expect(prepared.bytes.equals(clean)).toBe(true);
    expect(prepared.changes).toEqual([]);
  });

  it('strips PNG text chunks losslessly', async () => {
    const png = await makeImage(1000, 800, 'png');
    const text = Buffer.concat([Buffer.from([0, 0, 0, 9]), Buffer.from('tEXtAuthor\0me'.slice(0, 13), 'latin1'), Buffer.alloc(4)]);
    const withText = Buffer.concat([png.subarray(0, 33), text, png.subarray(33)]);
    const stripped = stripMetadata(withText, 'png')!;
    expect(stripped.equals(png)).toBe(true);
  });
});

describe('repairImage: what it refuses', () => {
  it('refuses an image over 268 megapixels from its header', async () => {
    const path = file(pngBombHeader(20000, 20000), 'bomb.png');
    await expect(repairImage(path, { keepMetadata: false })).rejects.toThrow(/400 megapixels, over the 268-megapixel limit/);
  });

  it('refuses truncated and non-image files', async () => {
    const whole = await makeImage(1200, 900, 'jpeg', { noise: true });
    await expect(repairImage(file(whole.subarray(0, whole.length >> 1), 'cut.jpg'), { keepMetadata: false })).rejects.toThrow(/cannot fix: decodes/);
    await expect(repairImage(file(Buffer.from('hello'), 'text.jpg'), { keepMetadata: false })).rejects.toThrow(/cannot fix: format/);
  });
});
