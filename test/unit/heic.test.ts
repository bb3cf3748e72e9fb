import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { captureDateOf } from '../../src/image/capture-info.js';
import { checkImage } from '../../src/image/check.js';
import { repairImage } from '../../src/image/fix.js';
import { decodeHeic } from '../../src/image/heic.js';
import { isRepairable, prepareFile } from '../../src/image/prepare.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

const fixture = (name: string) => new URL(`../fixtures/${name}`, import.meta.url).pathname;
/** 900 x 700, one HEVC image, no metadata (ImageMagick). */
const GRADIENT = fixture('gradient_900x700.heic');
/**
 * iPhone-shaped (make-grid-heic.py): 2 x 2 tiles of 256 px cropped to 480 x 400, turned 90
 * degrees clockwise by irot (upright it is 400 x 480: red block top left, blue sky, green
 * ground), EXIF Orientation 6 that must not be applied twice, DateTimeOriginal with offset.
 */
const GRID = fixture('grid_rotated.heic');

type Pixel = [number, number, number];
async function pixelAt(image: Buffer, x: number, y: number): Promise<Pixel> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const i = (y * info.width + x) * 3;
  return [data[i]!, data[i + 1]!, data[i + 2]!];
}
const isRed = ([r, g, b]: Pixel) => r > 180 && g < 90 && b < 90;
const isBlue = ([r, , b]: Pixel) => b > 150 && r < 120;
const isGreen = ([r, g, b]: Pixel) => g > 100 && r < 100 && b < 120;

function file(bytes: Buffer, name: string): string {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
}

describe('decodeHeic', () => {
  it('returns a tiled, rotated HEIC whole and upright, without applying EXIF orientation again', async () => {
    const decoded = await decodeHeic(readFileSync(GRID));
    expect([decoded.width, decoded.height, decoded.channels]).toEqual([400, 480, 4]);
    const png = await sharp(decoded.data, { raw: { width: 400, height: 480, channels: 4 } })
      .png()
      .toBuffer();
    expect(isRed(await pixelAt(png, 20, 20))).toBe(true); // the red block, top left
    expect(isBlue(await pixelAt(png, 380, 10))).toBe(true); // sky along the top
    expect(isGreen(await pixelAt(png, 200, 470))).toBe(true); // ground along the bottom
    // All four tiles are there and the crop is right: no black padding at the far edges.
    for (const [x, y] of [
      [399, 240],
      [200, 479],
      [399, 479],
      [0, 479],
    ] as const) {
      expect(Math.max(...(await pixelAt(png, x, y))), `${x},${y}`).toBeGreaterThan(60);
    }
  });

  it('fails with a message, and keeps libheif quiet on stdout', async () => {
    const log = vi.spyOn(console, 'log');
    const whole = readFileSync(GRADIENT);
    await expect(decodeHeic(whole.subarray(0, whole.length - 300))).rejects.toThrow(/libheif could not decode it/);
    expect(log).not.toHaveBeenCalled();
    expect(console.log).toBe(log); // put back afterwards
  });

  afterEach(() => vi.restoreAllMocks());
});

describe('check on HEIC', () => {
  it('reports HEIC as a format --fix can repair, with its upright size and capture date', async () => {
    const report = await checkImage(GRID);
    expect(report).toMatchObject({ ok: false, format: 'heic', width: 400, height: 480, orientation: 1, captureDate: '2023-07-14T18:30:05+02:00' });
    expect(report.errors.map((error) => error.rule)).toEqual(['format', 'min-size']);
    expect(isRepairable(report)).toBe(true);
    const plain = await checkImage(GRADIENT);
    expect(plain.errors).toEqual([{ rule: 'format', message: 'the content is HEIC; the API takes JPEG or PNG only' }]);
    expect(isRepairable(plain)).toBe(true);
  });

  it('reports a truncated HEIC as corrupt, not fixable', async () => {
    const whole = readFileSync(GRADIENT);
    const report = await checkImage(file(whole.subarray(0, whole.length - 300), 'cut.heic'));
    expect(report.errors.find((error) => error.rule === 'decodes')?.message).toMatch(/truncated or corrupt/);
    expect(isRepairable(report)).toBe(false);
  });

  it('with --no-convert (and no --fix) refuses HEIC with a hint to add --fix', async () => {
    await expect(prepareFile(GRADIENT, null, false)).rejects.toMatchObject({ code: 'format', hint: expect.stringContaining('--fix') });
  });
});

describe('--fix on HEIC', () => {
  it('turns an iPhone-shaped HEIC into an upright JPEG the API takes, keeping the capture date', async () => {
    const prepared = await prepareFile(GRID, { keepMetadata: false });
    const meta = await sharp(prepared.bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.orientation ?? 1, meta.exif]).toEqual(['jpeg', 667, 800, 1, undefined]);
    expect(prepared.changes).toEqual(['converted HEIC', 'upscaled 400x480 to 667x800', 'encoded as JPEG', 'removed metadata (EXIF)']);
    expect(prepared.captureDate).toBe('2023-07-14T18:30:05+02:00');
    expect(prepared.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(isRed(await pixelAt(prepared.bytes, 30, 30))).toBe(true);
    expect(isGreen(await pixelAt(prepared.bytes, 333, 790))).toBe(true);
  });

  it('converts a plain HEIC at its own size, and says --keep-metadata could not keep its metadata', async () => {
    const prepared = await repairImage(GRADIENT, { keepMetadata: true });
    const meta = await sharp(prepared.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 900, 700]);
    expect(prepared.changes).toEqual(['converted HEIC', 'encoded as JPEG']);
    expect(prepared.warnings).toEqual(["--keep-metadata cannot carry a HEIC's metadata into the JPEG; it was dropped"]);
    expect(prepared.captureDate).toBeNull();
  });

  it('refuses a truncated HEIC with the decodes rule', async () => {
    const whole = readFileSync(GRADIENT);
    await expect(repairImage(file(whole.subarray(0, whole.length - 300), 'cut.heic'), { keepMetadata: false })).rejects.toMatchObject({
      code: 'decodes',
      message: expect.stringMatching(/^cannot fix: the HEIC image could not be decoded: libheif could not decode it/),
    });
  });
});

describe('capture date of every input', () => {
  it('reads EXIF DateTimeOriginal (with its offset), then CreateDate, from JPEGs, with or without --fix', async () => {
    const original = await sharp(await makeImage(1000, 800, 'png'))
      .withExif({ IFD2: { DateTimeOriginal: '2021:12:24 20:15:00', OffsetTimeOriginal: '-05:00' } })
      .jpeg()
      .toBuffer();
    const path = file(original, 'xmas.jpg');
    expect((await prepareFile(path, null)).captureDate).toBe('2021-12-24T20:15:00-05:00');
    const fixed = await prepareFile(path, { keepMetadata: false });
    expect(fixed.changes).toEqual(['removed metadata (EXIF) without re-encoding']);
    expect(fixed.captureDate).toBe('2021-12-24T20:15:00-05:00'); // read before it was stripped

    const digitised = await sharp(await makeImage(1000, 800, 'png'))
      .withExif({ IFD2: { DateTimeDigitized: '2020:01:02 03:04:05' } })
      .webp()
      .toBuffer();
    expect((await prepareFile(file(digitised, 'scan.webp'), { keepMetadata: false })).captureDate).toBe('2020-01-02T03:04:05');
  });

  it('falls back to XMP, and is null when nothing usable is there', async () => {
    const xmp = (body: string) =>
      Buffer.from(
        `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description ${body}/></rdf:RDF></x:xmpmeta>`,
      );
    expect(captureDateOf({ xmp: xmp('photoshop:DateCreated="2019-06-01T09:30:00.120+01:00"') })).toBe('2019-06-01T09:30:00+01:00');
    expect(captureDateOf({ xmp: xmp('xmp:CreateDate="2019-06-01"') })).toBe('2019-06-01');
    const withXmp = await sharp(await makeImage(1000, 800, 'png'))
      .withXmp(xmp('xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmp:CreateDate="2018-02-03T04:05:06Z"').toString())
      .png()
      .toBuffer();
    expect((await prepareFile(file(withXmp, 'x.png'), null)).captureDate).toBe('2018-02-03T04:05:06+00:00');

    expect(captureDateOf({})).toBeNull();
    expect((await prepareFile(file(await makeImage(1000, 800, 'jpeg'), 'plain.jpg'), null)).captureDate).toBeNull();
    const zeros = await sharp(await makeImage(1000, 800, 'png'))
      .withExif({ IFD2: { DateTimeOriginal: '0000:00:00 00:00:00' } })
      .jpeg()
      .toBuffer();
    expect((await prepareFile(file(zeros, 'zeros.jpg'), null)).captureDate).toBeNull();
    expect(captureDateOf({ exif: Buffer.from('Exif\0\0garbage that is not TIFF') })).toBeNull();
  });
});
