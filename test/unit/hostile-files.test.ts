import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { repairImage } from '../../src/image/fix.js';
import { tempDir } from '../helpers/tmp.js';

function svgFile(side: number, body: string): string {
  const path = join(tempDir(), 'drawing.svg');
  writeFileSync(path, `<svg xmlns="http://www.w3.org/2000/svg" width="${side}" height="${side}">${body}</svg>`);
  return path;
}

const HEAVY_FILTER =
  '<defs><filter id="f"><feTurbulence baseFrequency="0.01" numOctaves="8"/><feGaussianBlur stdDeviation="40"/></filter></defs>' +
  '<rect width="100%" height="100%" fill="#38c" filter="url(#f)"/>';

describe('SVG under --fix (issue 12 #6)', () => {
  it('draws a 16000 px SVG straight at 4096 px, quickly and in bounded memory', async () => {
    const side = 16000;
    const path = svgFile(side, `<rect width="100%" height="100%" fill="#38c"/><circle cx="${side / 2}" cy="${side / 2}" r="${side / 3}" fill="#c33"/>`);
    const before = process.memoryUsage().rss;
    const started = Date.now();
    const prepared = await repairImage(path, { keepMetadata: false });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect((process.memoryUsage().rss - before) / 1024 / 1024).toBeLessThan(400);
    const meta = await sharp(prepared.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 4096, 4096]);
    expect(prepared.changes).toContain('converted SVG');
    // The circle is where the SVG put it: drawn, not a blank canvas.
    const { data } = await sharp(prepared.bytes).extract({ left: 2048, top: 2048, width: 1, height: 1 }).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBeGreaterThan(150);
    expect(data[2]).toBeLessThan(100);
  });

  it('gives up on an SVG whose filters take too long, at the time limit, with a one-line reason', async () => {
    const path = svgFile(16000, HEAVY_FILTER);
    const started = Date.now();
    const error = (await repairImage(path, { keepMetadata: false }, { timeoutSeconds: 2 }).catch((caught: unknown) => caught)) as InputError;
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(InputError);
    expect(error.code).toBe('repair-timeout');
    expect(error.message).toBe('cannot fix: drawing the SVG took over 2 s; refusing it');
  });

  it('converts an SVG of ordinary size at its own size, keeping its transparency', async () => {
    const path = join(tempDir(), 'small.svg');
    writeFileSync(path, '<svg xmlns="http://www.w3.org/2000/svg" width="900" height="900"><rect width="10" height="10"/></svg>');
    const prepared = await repairImage(path, { keepMetadata: false });
    const meta = await sharp(prepared.bytes).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 900, 900]);
    expect(prepared.changes).toContain('saved as PNG to keep the transparency');
  });
});
