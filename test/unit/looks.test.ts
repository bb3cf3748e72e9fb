import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { STYLES } from '../../src/catalog/styles.js';
import { drawLook, LOOK_OF_ALIAS, renderLook } from '../../src/emulator/effects.js';

const PHOTO = readFileSync(new URL('../../fixtures/photos/bridge_1302x953.jpg', import.meta.url));

/** Root mean square difference of two 128 x 128 thumbnails, as a fraction of full scale. */
async function thumbnail(jpeg: Buffer): Promise<Buffer> {
  return sharp(jpeg).resize(128, 128, { fit: 'fill' }).removeAlpha().raw().toBuffer();
}

function normalisedRmse(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let index = 0; index < a.length; index++) sum += (a[index]! - b[index]!) ** 2;
  return Math.sqrt(sum / a.length) / 255;
}

describe('emulator looks', () => {
  const results = new Map<string, Buffer>();

  beforeAll(async () => {
    for (const style of STYLES) results.set(style.alias, await renderLook(PHOTO, LOOK_OF_ALIAS[style.alias]!));
  });

  it('gives every catalog style a look of its own', () => {
    const looks = STYLES.map((style) => LOOK_OF_ALIAS[style.alias]);
    expect(looks.every((look) => look !== undefined)).toBe(true);
    expect(new Set(looks).size).toBe(STYLES.length);
  });

  it('makes 22 pictures of one photo that are pairwise distinct (normalised RMSE of 128 px thumbnails >= 0.04)', async () => {
    const thumbs = await Promise.all(STYLES.map(async (style) => [style.alias, await thumbnail(results.get(style.alias)!)] as const));
    const tooClose: string[] = [];
    for (let i = 0; i < thumbs.length; i++) {
      for (let j = i + 1; j < thumbs.length; j++) {
        const distance = normalisedRmse(thumbs[i]![1], thumbs[j]![1]);
        if (distance < 0.04) tooClose.push(`${thumbs[i]![0]} ~ ${thumbs[j]![0]}: ${distance.toFixed(3)}`);
      }
    }
    expect(tooClose).toEqual([]);
    // And none of them is the photo sent back.
    const original = await thumbnail(PHOTO);
    for (const [alias, thumb] of thumbs) expect(normalisedRmse(original, thumb), alias).toBeGreaterThan(0.02);
  });

  it('returns a JPEG at the input size', async () => {
    for (const [alias, jpeg] of results) {
      const meta = await sharp(jpeg).metadata();
      expect([meta.format, meta.width, meta.height], alias).toEqual(['jpeg', 1302, 953]);
    }
  });

  it('is deterministic: the same input gives the same bytes', async () => {
    for (const alias of ['monet', 'watercolor', 'ceramic', 'princess', 'romantic-light', 'clay']) {
      // Drawn again, not taken from renderLook's cache.
      expect((await drawLook(PHOTO, LOOK_OF_ALIAS[alias]!)).equals(results.get(alias)!), alias).toBe(true);
    }
  });

  it('applies EXIF orientation and copes with tiny, grey and transparent inputs', async () => {
    const sideways = await sharp(PHOTO).resize(400, 300).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const grey = await sharp(PHOTO).resize(64, 48).greyscale().png().toBuffer();
    const clear = await sharp({ create: { width: 20, height: 10, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } })
      .png()
      .toBuffer();
    for (const look of new Set(Object.values(LOOK_OF_ALIAS))) {
      expect(await sharp(await renderLook(sideways, look)).metadata(), look).toMatchObject({ width: 300, height: 400 });
      expect(await sharp(await renderLook(grey, look)).metadata(), look).toMatchObject({ width: 64, height: 48, channels: 3 });
      expect(await sharp(await renderLook(clear, look)).metadata(), look).toMatchObject({ width: 20, height: 10 });
    }
  });
});
