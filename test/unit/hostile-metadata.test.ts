import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { CaptureInfo } from '../../src/image/capture-info.js';
import { parseExif } from '../../src/image/exif.js';
import { addProvenance, type Provenance } from '../../src/image/provenance.js';
import { jpegSegments, MAX_JPEG_SEGMENTS } from '../../src/image/segments.js';
import { outputInFolder } from '../../src/naming/output-path.js';
import { saveResult } from '../../src/runner/save.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/** A real JPEG with `count` empty COM segments (4 bytes each) before its scan: the hostile result of issue 19. */
function withEmptySegments(jpeg: Buffer, count: number): Buffer {
  const empty = Buffer.alloc(count * 4);
  for (let at = 0; at < empty.length; at += 4) empty.set([0xff, 0xfe, 0x00, 0x02], at);
  return Buffer.concat([jpeg.subarray(0, 2), empty, jpeg.subarray(2)]);
}

const provenance = (capture: CaptureInfo | null = null, keepGps = false): Provenance => ({ capture, keepGps, creatorTool: 't', description: 'd' });

describe('a result made of tiny segments', () => {
  it('the segment walk stops at a sane count instead of holding an object per segment', async () => {
    const jpeg = await makeImage(64, 48);
    expect(jpegSegments(withEmptySegments(jpeg, 100))?.segments.length).toBeGreaterThan(100);
    expect(() => jpegSegments(withEmptySegments(jpeg, MAX_JPEG_SEGMENTS + 1))).toThrow(/more than 4096 segments/);
  });

  it('is saved as received, with a note saying why it carries no provenance', async () => {
    const hostile = withEmptySegments(await makeImage(64, 48), 200_000);
    const saved = await saveResult({
      output: outputInFolder(tempDir(), 'a'),
      bytes: hostile,
      taskId: 't',
      index: 0,
      overwrite: false,
      provenance: provenance(),
      rescueFolder: null,
    });
    expect(readFileSync(saved.path).equals(hostile)).toBe(true);
    expect(saved.notes).toEqual(['saved as received, without provenance (its header has more than 4096 segments)']);
  });
});

/** The GPS block of a hostile original: 512 entries of 64 KB each, standard tags and not. */
function hugeGps(): CaptureInfo['gps'] {
  return Array.from({ length: 512 }, (_, n) => ({ tag: n, type: 7, count: 65_000, value: Buffer.alloc(65_000, 0x41) }));
}

const saneGps: CaptureInfo['gps'] = [
  { tag: 1, type: 2, count: 2, value: Buffer.from('N\0', 'latin1') },
  { tag: 2, type: 5, count: 3, value: Buffer.from([0, 0, 0, 51, 0, 0, 0, 1, 0, 0, 0, 30, 0, 0, 0, 1, 0, 0, 4, 210, 0, 0, 0, 100]) },
];

describe('--keep-gps with a hostile GPS block', () => {
  it.each(['jpeg', 'png', 'webp'] as const)('%s: under twice the size, provenance kept, only standard GPS tags at sane sizes', async (format) => {
    const received = await makeImage(400, 300, format, { noise: true });
    const capture: CaptureInfo = { dateTime: '2021:07:14 18:30:05', offset: null, subSeconds: null, gps: [...hugeGps(), ...saneGps] };
    const marked = addProvenance(received, provenance(capture, true));
    expect(marked).not.toBeNull();
    expect(marked!.length).toBeLessThan(received.length * 2);
    const meta = await sharp(marked!).metadata();
    expect(meta.xmp?.toString('utf8')).toContain('trainedAlgorithmicMedia');
    const gps = parseExif(meta.exif!)!.gps;
    expect([...gps.keys()].every((tag) => tag <= 0x1f)).toBe(true);
    expect([...gps.values()].every((entry) => entry.value.length <= 256)).toBe(true);
    expect(gps.get(2)!.value.readUInt32BE(16)).toBe(1234);
  });
});
