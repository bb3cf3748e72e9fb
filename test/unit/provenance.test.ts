import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { resolveStyle } from '../../src/catalog/styles.js';
import { readCaptureInfo } from '../../src/image/capture-info.js';
import { parseExif, TAG } from '../../src/image/exif.js';
import { addProvenance, type Provenance } from '../../src/image/provenance.js';
import { outputInFolder } from '../../src/naming/output-path.js';
import { saveItemResult, saveResult } from '../../src/runner/save.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * A little-endian EXIF block written by hand (as many cameras write it), independent of the
 * code under test: capture date and offset, a body serial, maker notes, a make, and GPS.
 */
function cameraExif(): Buffer {
  type Entry = [tag: number, type: number, count: number, value: Buffer];
  const ascii = (tag: number, text: string): Entry => [tag, 2, text.length + 1, Buffer.from(`${text}\0`, 'latin1')];
  const rationals = (tag: number, pairs: number[][]): Entry => {
    const value = Buffer.alloc(pairs.length * 8);
    pairs.forEach(([n, d], i) => {
      value.writeUInt32LE(n!, i * 8);
      value.writeUInt32LE(d!, i * 8 + 4);
    });
    return [tag, 5, pairs.length, value];
  };
  const long = (tag: number): Entry => [tag, 4, 1, Buffer.alloc(4)];
  const ifd0: Entry[] = [ascii(0x010f, 'PhoneCo'), long(0x8769), long(0x8825)];
  const exif: Entry[] = [
    ascii(0x9003, '2021:07:14 18:30:05'),
    ascii(0x9011, '+02:00'),
    [0x927c, 7, 16, Buffer.from('MAKERNOTE-SECRET', 'latin1')],
    ascii(0xa431, 'SN-998877'),
  ];
  const gps: Entry[] = [
    ascii(0x0001, 'N'),
    rationals(0x0002, [
      [51, 1],
      [30, 1],
      [1234, 100],
    ]),
    ascii(0x0003, 'W'),
    rationals(0x0004, [
      [0, 1],
      [7, 1],
      [3900, 100],
    ]),
  ];
  const ifds = [ifd0, exif, gps];
  const size = (entries: Entry[]) =>
    2 + entries.length * 12 + 4 + entries.reduce((sum, [, , , value]) => sum + (value.length > 4 ? value.length + (value.length % 2) : 0), 0);
  const at = [8, 8 + size(ifd0), 8 + size(ifd0) + size(exif)];
  const tiff = Buffer.alloc(at[2]! + size(gps));
  tiff.write('II', 0, 'latin1');
  tiff.writeUInt16LE(42, 2);
  tiff.writeUInt32LE(8, 4);
  ifd0[1]![3].writeUInt32LE(at[1]!);
  ifd0[2]![3].writeUInt32LE(at[2]!);
  ifds.forEach((entries, n) => {
    tiff.writeUInt16LE(entries.length, at[n]!);
    let data = at[n]! + 2 + entries.length * 12 + 4;
    entries.forEach(([tag, type, count, value], i) => {
      const slot = at[n]! + 2 + i * 12;
      tiff.writeUInt16LE(tag, slot);
      tiff.writeUInt16LE(type, slot + 2);
      tiff.writeUInt32LE(count, slot + 4);
      if (value.length <= 4) value.copy(tiff, slot + 8);
      else {
        tiff.writeUInt32LE(data, slot + 8);
        value.copy(tiff, data);
        data += value.length + (value.length % 2);
      }
    });
  });
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

/** A JPEG original as a phone writes it: EXIF in APP1 right after SOI. */
async function cameraJpeg(): Promise<Buffer> {
  const jpeg = await makeImage(900, 700);
  const exif = cameraExif();
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(exif.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, exif, jpeg.subarray(2)]);
}

const serviceJpeg = () => makeImage(1024, 768, 'jpeg', { noise: true });
const servicePng = () => makeImage(800, 600, 'png', { noise: true });
const pixels = (bytes: Buffer) => sharp(bytes).raw().toBuffer();
const write = (bytes: Buffer, name: string) => {
  const path = join(tempDir(), name);
  writeFileSync(path, bytes);
  return path;
};

async function provenanceOf(original: string, keepGps = false): Promise<Provenance> {
  return {
    capture: await readCaptureInfo(original),
    keepGps,
    creatorTool: 'spark-style 9.9.9',
    description: 'style marvel; req_key img2img_comic_style_usage; task T123',
  };
}

async function metadataOf(bytes: Buffer) {
  const meta = await sharp(bytes).metadata();
  return { meta, exif: parseExif(meta.exif!)!, xmp: meta.xmp!.toString('utf8') };
}

describe('reading the original capture date', () => {
  it('from a camera JPEG (little-endian EXIF): date, offset, and its GPS block', async () => {
    const info = await readCaptureInfo(write(await cameraJpeg(), 'photo.jpg'));
    expect(info).toMatchObject({ dateTime: '2021:07:14 18:30:05', offset: '+02:00' });
    expect(info!.gps.map((entry) => entry.tag)).toEqual([1, 2, 3, 4]);
  });

  it('from a TIFF, whose own structure holds the EXIF IFD', async () => {
    expect(await readCaptureInfo(write(cameraExif().subarray(6), 'scan.tif'))).toMatchObject({ dateTime: '2021:07:14 18:30:05' });
  });

  it('from a HEIC (read from its header: this sharp cannot decode HEVC, but reads its EXIF)', async () => {
    const heic = fileURLToPath(new URL('../fixtures/gradient_900x700_dated.heic', import.meta.url));
    const info = await readCaptureInfo(heic);
    expect(info).toMatchObject({ dateTime: '2022:06:07 08:09:10', offset: '+09:00' });
    expect(info!.gps.length).toBeGreaterThan(0);
  });

  it.each(['png', 'webp'] as const)('from a %s whose EXIF sharp wrote', async (format) => {
    const bytes = await sharp(await makeImage(900, 700, 'png'))
      .withExif({ IFD2: { DateTimeOriginal: '2019:03:04 05:06:07' } })
      .toFormat(format)
      .toBuffer();
    expect(await readCaptureInfo(write(bytes, `photo.${format}`))).toMatchObject({ dateTime: '2019:03:04 05:06:07' });
  });

  it('from XMP when there is no EXIF date, and null when the original says nothing', async () => {
    const xmp =
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/" photoshop:DateCreated="2018-12-24T20:15:00Z"/></rdf:RDF></x:xmpmeta>';
    const withXmp = await sharp(await makeImage(900, 700, 'png'))
      .withXmp(xmp)
      .png()
      .toBuffer();
    expect(await readCaptureInfo(write(withXmp, 'x.png'))).toMatchObject({ dateTime: '2018:12:24 20:15:00', offset: '+00:00' });
    expect(await readCaptureInfo(write(await makeImage(900, 700), 'plain.jpg'))).toBeNull();
    expect(await readCaptureInfo(write(Buffer.from('not an image'), 'x.jpg'))).toBeNull();
  });
});

describe('provenance in a result, without re-encoding', () => {
  it.each([
    ['JPEG', serviceJpeg],
    ['PNG', servicePng],
  ])('%s: identical pixels; capture date and the AI mark present; no GPS, serial or maker notes', async (_, make) => {
    const received = await make();
    const marked = addProvenance(received, await provenanceOf(write(await cameraJpeg(), 'photo.jpg')))!;
    expect(marked).not.toBeNull();
    expect((await pixels(marked)).equals(await pixels(received))).toBe(true);
    const { exif, xmp } = await metadataOf(marked);
    expect(exif.exif.get(TAG.DateTimeOriginal)!.value.toString('latin1')).toBe('2021:07:14 18:30:05\0');
    expect(exif.exif.get(TAG.CreateDate)!.value.toString('latin1')).toBe('2021:07:14 18:30:05\0');
    expect(exif.exif.get(TAG.OffsetTimeOriginal)!.value.toString('latin1')).toBe('+02:00\0');
    expect(exif.gps.size).toBe(0);
    expect(xmp).toContain('Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"');
    expect(xmp).toContain('xmp:CreatorTool="spark-style 9.9.9"');
    expect(xmp).toContain('photoshop:DateCreated="2021-07-14T18:30:05+02:00"');
    expect(xmp).toMatch(/<dc:description>[\s\S]*style marvel; req_key img2img_comic_style_usage; task T123/);
    for (const secret of ['SN-998877', 'MAKERNOTE-SECRET', 'PhoneCo']) expect(marked.includes(Buffer.from(secret, 'latin1'))).toBe(false);
  });

  it('--keep-gps copies the GPS block value for value, and still nothing else of the original', async () => {
    const original = write(await cameraJpeg(), 'photo.jpg');
    const marked = addProvenance(await serviceJpeg(), await provenanceOf(original, true))!;
    const { exif } = await metadataOf(marked);
    const theirs = (await readCaptureInfo(original))!.gps;
    expect([...exif.gps.values()]).toEqual(theirs);
    expect(exif.gps.get(2)!.value.readUInt32BE(16)).toBe(1234); // seconds numerator of the latitude
    expect(marked.includes(Buffer.from('SN-998877', 'latin1'))).toBe(false);
  });

  it("keeps the result's own orientation, replaces its EXIF and XMP, keeps its ICC profile", async () => {
    const received = await sharp(await makeImage(1024, 768))
      .withMetadata({ orientation: 6 })
      .withXmp('<x:xmpmeta xmlns:x="adobe:ns:meta/">service-note</x:xmpmeta>')
      .withIccProfile('p3')
      .jpeg()
      .toBuffer();
    const marked = addProvenance(received, { capture: null, keepGps: false, creatorTool: 't', description: 'd' })!;
    const { meta, xmp } = await metadataOf(marked);
    expect(meta.orientation).toBe(6);
    expect(meta.icc?.equals((await sharp(received).metadata()).icc!)).toBe(true);
    expect(xmp).not.toContain('service-note');
    expect((await pixels(marked)).equals(await pixels(received))).toBe(true);
  });

  it.each([
    ['lossy', () => makeImage(800, 600, 'webp')],
    [
      'lossless with alpha',
      async () =>
        sharp(await makeImage(800, 600, 'png'))
          .ensureAlpha(0.5)
          .webp({ lossless: true })
          .toBuffer(),
    ],
    [
      'extended, with an ICC profile and its own EXIF',
      async () =>
        sharp(await makeImage(800, 600))
          .withIccProfile('p3')
          .withExif({ IFD0: { Make: 'ServiceCam' } })
          .webp()
          .toBuffer(),
    ],
  ])('WebP (%s): identical pixels, and the metadata is there', async (_, make) => {
    const received = await make();
    const marked = addProvenance(received, await provenanceOf(write(await cameraJpeg(), 'photo.jpg')))!;
    expect(marked).not.toBeNull();
    expect((await pixels(marked)).equals(await pixels(received))).toBe(true);
    const { meta, exif, xmp } = await metadataOf(marked);
    expect([meta.width, meta.height, meta.hasAlpha]).toEqual([800, 600, (await sharp(received).metadata()).hasAlpha]);
    expect(exif.exif.get(TAG.DateTimeOriginal)!.value.toString('latin1')).toBe('2021:07:14 18:30:05\0');
    expect(xmp).toContain('trainedAlgorithmicMedia');
    expect(marked.includes(Buffer.from('ServiceCam', 'latin1'))).toBe(false);
  });

  it('a GIF result is saved as received, and the note says why', async () => {
    const gif = await makeImage(800, 600, 'gif');
    expect(addProvenance(gif, { capture: null, keepGps: false, creatorTool: 't', description: 'd' })).toBeNull();
    const saved = await saveResult({
      output: outputInFolder(tempDir(), 'a'),
      bytes: gif,
      taskId: 't',
      index: 0,
      overwrite: false,
      provenance: { capture: null, keepGps: false, creatorTool: 't', description: 'd' },
      rescueFolder: null,
    });
    expect(readFileSync(saved.path).equals(gif)).toBe(true);
    expect(saved.notes.join()).toMatch(/without provenance/);
  });

  it('saveItemResult reads the original and marks the saved file; --no-provenance keeps it byte for byte', async () => {
    const original = write(await cameraJpeg(), 'photo.jpg');
    const received = await serviceJpeg();
    const item = {
      source: { kind: 'file' as const, path: original, relativeDir: '' },
      style: resolveStyle('marvel'),
      output: outputInFolder(tempDir(), 'photo.marvel'),
    };
    const marked = await saveItemResult(item, received, {
      taskId: 'd758n65e',
      index: 0,
      overwrite: false,
      saving: { provenance: true, keepGps: false, rescueFolder: null },
    });
    const { exif, xmp } = await metadataOf(readFileSync(marked.path));
    expect(exif.exif.get(TAG.DateTimeOriginal)!.value.toString('latin1')).toBe('2021:07:14 18:30:05\0');
    expect(xmp).toContain('req_key img2img_comic_style_usage; sub_req_key img2img_comic_style_marvel; task d758n65e');
    const plain = await saveItemResult(item, received, {
      taskId: 'd758n65e',
      index: 0,
      overwrite: true,
      saving: { provenance: false, keepGps: false, rescueFolder: null },
    });
    expect(readFileSync(plain.path).equals(received)).toBe(true);
  });
});
