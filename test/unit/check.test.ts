import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkImage } from '../../src/image/check.js';
import { PHOTOS } from '../helpers/cli.js';
import { makeImage, padJpegTo, pngBombHeader } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

async function checkBytes(bytes: Buffer, name = 'photo.jpg') {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return checkImage(path);
}

const rules = (report: { errors: readonly { rule: string }[] }) => report.errors.map((error) => error.rule);

describe('checkImage: dimensions', () => {
  it.each([
    [600, 800, []],
    [800, 600, []],
    [599, 800, ['min-size']],
    [800, 599, ['min-size']],
    [600, 799, ['min-size']],
    [799, 600, ['min-size']],
    [4096, 4096, []],
    [4097, 1000, ['max-size']],
    [1000, 4097, ['max-size']],
  ])('%i x %i breaks %j', async (width, height, broken) => {
    const report = await checkBytes(await makeImage(width, height, 'png'), 'image.png');
    expect(rules(report)).toEqual(broken);
    expect(report.ok).toBe(broken.length === 0);
    expect([report.width, report.height]).toEqual([width, height]);
  });

  it('names the numbers in the message', async () => {
    const report = await checkBytes(await makeImage(599, 800));
    expect(report.errors[0]!.message).toBe('599x800 is too small: short side must be >= 600 px and long side >= 800 px');
  });

  it('measures after EXIF orientation', async () => {
    // Stored 1000 x 700, shown 700 x 1000 (orientation 6 turns it a quarter).
    const report = await checkBytes(await makeImage(1000, 700, 'jpeg', { orientation: 6 }));
    expect(report.ok).toBe(true);
    expect([report.width, report.height]).toEqual([700, 1000]);
    expect(report.orientation).toBe(6);
  });
});

describe('checkImage: size', () => {
  it('accepts exactly 5 MB and refuses one byte more', async () => {
    const base = await makeImage(1200, 900);
    const limit = 5 * 1024 * 1024;
    const atLimit = await checkBytes(padJpegTo(base, limit));
    expect(atLimit.bytes).toBe(limit);
    expect(atLimit.ok).toBe(true);
    const over = await checkBytes(padJpegTo(base, limit + 1));
    expect(over.bytes).toBe(limit + 1);
    expect(rules(over)).toEqual(['max-bytes']);
    expect(over.errors[0]!.message).toContain('5242881 bytes');
  });
});

describe('checkImage: format and content', () => {
  it('judges the format by content: a WebP named .jpg is WebP', async () => {
    const report = await checkBytes(await makeImage(1000, 800, 'webp'), 'holiday.jpg');
    expect(report.format).toBe('webp');
    expect(rules(report)).toEqual(['format']);
    expect(report.errors[0]!.message).toContain('WebP');
  });

  it('accepts a PNG named .jpg: the content is what counts', async () => {
    const report = await checkBytes(await makeImage(1000, 800, 'png'), 'misnamed.jpg');
    expect(report).toMatchObject({ ok: true, format: 'png' });
  });

  it('refuses a truncated JPEG', async () => {
    const whole = await makeImage(1200, 900, 'jpeg', { noise: true });
    const report = await checkBytes(whole.subarray(0, Math.floor(whole.length * 0.6)));
    expect(rules(report)).toEqual(['decodes']);
    expect(report.errors[0]!.message).toMatch(/truncated or corrupt/);
  });

  it('refuses a truncated PNG', async () => {
    const whole = await makeImage(1200, 900, 'png', { noise: true });
    const report = await checkBytes(whole.subarray(0, Math.floor(whole.length * 0.5)), 'cut.png');
    expect(rules(report)).toContain('decodes');
  });

  it('refuses a file that is not an image at all', async () => {
    const report = await checkBytes(Buffer.from('just some text, not a picture'), 'notes.jpg');
    expect(report.format).toBeNull();
    expect(rules(report)).toEqual(['format']);
  });

  it('says what a file no decoder opens is (text, a PDF, a broken JPEG header, unknown), and what is accepted, without naming the library', async () => {
    const accepted = 'the API takes JPEG or PNG, and spark-style converts WebP, HEIC, AVIF, GIF and TIFF (SVG with --fix)';
    const random = Buffer.from(Array.from({ length: 3000 }, (_, index) => (index * 7919 + 13) % 251 || 1));
    random[0] = 0x01;
    const cases: [Buffer, string][] = [
      [Buffer.from('just some text, not a picture\n'), `the file is text, not an image; ${accepted}`],
      [Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj', 'latin1'), `the file is a PDF document, not an image; ${accepted}`],
      [Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a]), 'the file starts like a JPEG image but its header is broken or cut short'],
      [random, `the content is not in any known image format; ${accepted}`],
    ];
    for (const [bytes, message] of cases) {
      const report = await checkBytes(bytes, 'thing.jpg');
      expect(report.errors).toEqual([{ rule: 'format', message }]);
      expect(report.errors[0]!.message).not.toMatch(/sharp/);
    }
  });

  it('refuses a 20000 x 20000 PNG bomb from its header, quickly, without decoding', async () => {
    const bomb = pngBombHeader(20000, 20000);
    expect(bomb.length).toBeLessThan(100);
    const report = await checkBytes(bomb, 'bomb.png');
    expect(rules(report)).toEqual(['max-size']);
    expect([report.width, report.height]).toEqual([20000, 20000]);
  });

  it('passes the real sample photos and refuses the small one', async () => {
    expect((await checkImage(join(PHOTOS, 'bridge_1302x953.jpg'))).ok).toBe(true);
    expect((await checkImage(join(PHOTOS, 'hubble_1000x872.jpg'))).ok).toBe(true);
    expect(rules(await checkImage(join(PHOTOS, 'rocket_640x427.jpg')))).toEqual(['min-size']);
  });
});

describe('checkImage: paths that are not image files', () => {
  it('reports an empty file', async () => {
    const report = await checkBytes(Buffer.alloc(0));
    expect(report.errors).toEqual([
      {
        rule: 'decodes',
        message: 'the file is empty (0 bytes); the API takes JPEG or PNG, and spark-style converts WebP, HEIC, AVIF, GIF and TIFF (SVG with --fix)',
      },
    ]);
  });

  it('reports a missing file, a directory, a dangling link and a FIFO per file', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'folder.jpg'));
    symlinkSync(join(dir, 'nowhere.jpg'), join(dir, 'dangling.jpg'));
    execFileSync('mkfifo', [join(dir, 'pipe.jpg')]);
    expect((await checkImage(join(dir, 'missing.jpg'))).errors).toEqual([{ rule: 'readable', message: 'no such file' }]);
    expect(rules(await checkImage(join(dir, 'folder.jpg')))).toEqual(['regular-file']);
    expect(rules(await checkImage(join(dir, 'dangling.jpg')))).toEqual(['readable']);
    expect((await checkImage(join(dir, 'pipe.jpg'))).errors[0]!.message).toMatch(/not a regular file/);
  });

  it('refuses a link to a device without reading it', async () => {
    const dir = tempDir();
    symlinkSync('/dev/zero', join(dir, 'zero.jpg'));
    expect(rules(await checkImage(join(dir, 'zero.jpg')))).toEqual(['regular-file']);
  });
});
