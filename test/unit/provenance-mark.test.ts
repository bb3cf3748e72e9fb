import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { addProvenance, type Provenance } from '../../src/image/provenance.js';
import { expandInputs } from '../../src/runner/inputs.js';
import { tempDir } from '../helpers/tmp.js';

const OURS: Provenance = { capture: null, keepGps: false, creatorTool: 'spark-style 0.1.0', description: 'ghibli, task abc' };

async function pictures() {
  const base = sharp({ create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 90, b: 30 } } });
  return {
    jpg: await base.clone().jpeg().toBuffer(),
    png: await base.clone().png().toBuffer(),
    // A WebP with an ICC profile: its XMP chunk goes last, after the image data.
    webp: await base.clone().withIccProfile('srgb').webp().toBuffer(),
  };
}

/** Another tool's XMP that also says "AI-made": not ours, so still a photo to us. */
function foreignXmpJpeg(jpeg: Buffer): Buffer {
  const packet = Buffer.from(
    'http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><rdf:Description xmp:CreatorTool="OtherApp 2" Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"/></x:xmpmeta>',
    'latin1',
  );
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(packet.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, packet, jpeg.subarray(2)]);
}

describe('results spark-style made are not inputs of a folder or pattern', () => {
  it('leaves out JPEG, PNG and WebP results by their provenance mark, with a note, and keeps photos (also ones another AI tool marked)', async () => {
    const dir = tempDir();
    const folder = join(dir, 'in');
    mkdirSync(folder);
    const { jpg, png, webp } = await pictures();
    writeFileSync(join(folder, 'a.jpg'), jpg);
    writeFileSync(join(folder, 'b.png'), png);
    writeFileSync(join(folder, 'c.jpg'), foreignXmpJpeg(jpg));
    writeFileSync(join(folder, 'a.ghibli.jpg'), addProvenance(jpg, OURS)!);
    writeFileSync(join(folder, 'b.ghibli.png'), addProvenance(png, OURS)!);
    const markedWebp = addProvenance(webp, OURS)!;
    // The mark really sits past the head the JPEG and PNG checks read.
    expect(markedWebp.indexOf(Buffer.from('xmp:CreatorTool'))).toBeGreaterThan(markedWebp.length - 4096);
    writeFileSync(join(folder, 'c.ghibli.webp'), markedWebp);

    for (const arg of [folder, join(folder, '*')]) {
      const leftOut: Array<[string, string]> = [];
      const sources = await expandInputs([arg], { recursive: false, readStdin: async () => '', onLeftOut: (path, why) => leftOut.push([path, why]) });
      expect(sources.map((source) => (source.kind === 'file' ? source.path : source.kind)).sort(), arg).toEqual(
        ['a.jpg', 'b.png', 'c.jpg'].map((name) => join(folder, name)),
      );
      expect(leftOut.map(([path]) => path).sort()).toEqual(['a.ghibli.jpg', 'b.ghibli.png', 'c.ghibli.webp'].map((name) => join(folder, name)));
      for (const [, why] of leftOut) expect(why).toBe('a result made by spark-style, not a photo (name the file itself to stylize it)');
    }

    const named = await expandInputs([join(folder, 'a.ghibli.jpg')], { recursive: false, readStdin: async () => '' });
    expect(named).toEqual([{ kind: 'file', path: join(folder, 'a.ghibli.jpg'), relativeDir: '' }]);
  });

  it('a pattern that matches only results says so', async () => {
    const dir = tempDir();
    const { jpg } = await pictures();
    writeFileSync(join(dir, 'x.ghibli.jpg'), addProvenance(jpg, OURS)!);
    const sources = await expandInputs([join(dir, '*.ghibli.jpg')], { recursive: false, readStdin: async () => '' });
    expect(sources).toEqual([
      { kind: 'unusable', label: join(dir, '*.ghibli.jpg'), problem: 'only contact sheets and results made by spark-style match this pattern' },
    ]);
  });
});
