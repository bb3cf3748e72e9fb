import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

/** A real photo-like image: a gradient with shapes, so encoders produce realistic sizes. */
export async function makeImage(
  width: number,
  height: number,
  format: 'jpeg' | 'png' | 'webp' | 'gif' | 'tiff' | 'avif' = 'jpeg',
  options: { orientation?: number; noise?: boolean } = {},
): Promise<Buffer> {
  const svg = Buffer.from(
    `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg">` +
      `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#1e6fd9"/><stop offset="1" stop-color="#f2b33d"/></linearGradient></defs>` +
      `<rect width="100%" height="100%" fill="url(#g)"/>` +
      `<circle cx="${width / 3}" cy="${height / 2}" r="${Math.min(width, height) / 5}" fill="#c0392b"/>` +
      `<rect x="${width / 2}" y="${height / 4}" width="${width / 4}" height="${height / 3}" fill="#27ae60"/></svg>`,
  );
  let image = sharp(svg);
  if (options.noise) {
    const noise = await sharp({ create: { width, height, channels: 3, background: 'black', noise: { type: 'gaussian', mean: 128, sigma: 60 } } })
      .png()
      .toBuffer();
    image = sharp(
      await image
        .composite([{ input: noise, blend: 'overlay' }])
        .png()
        .toBuffer(),
    );
  }
  if (options.orientation) image = image.withMetadata({ orientation: options.orientation });
  return image.toFormat(format, format === 'jpeg' ? { quality: 90 } : {}).toBuffer();
}

/** Pads a JPEG to exactly `size` bytes with comment segments, which every decoder skips. */
export function padJpegTo(jpeg: Buffer, size: number): Buffer {
  let missing = size - jpeg.length;
  if (missing < 0) throw new Error(`the JPEG is already ${jpeg.length} bytes`);
  const segments: Buffer[] = [];
  while (missing > 0) {
    // A COM segment is 4 bytes of header plus up to 65533 bytes of payload.
    if (missing < 4) throw new Error('cannot pad by fewer than 4 bytes; adjust the size');
    let payload = Math.min(65533, missing - 4);
    if (missing - (payload + 4) > 0 && missing - (payload + 4) < 4) payload -= 4;
    const segment = Buffer.alloc(payload + 4, 0x20);
    segment[0] = 0xff;
    segment[1] = 0xfe;
    segment.writeUInt16BE(payload + 2, 2);
    segments.push(segment);
    missing -= segment.length;
  }
  return Buffer.concat([jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)]);
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A tiny file that claims huge dimensions: a decompression bomb's header, written byte by byte. */
export function pngBombHeader(width: number, height: number): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', header),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** n distinct valid photos in dir (different sizes, so different bytes and hashes): photo-1.jpg, ... */
export async function writePhotos(dir: string, n: number): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    const path = join(dir, `photo-${i + 1}.jpg`);
    writeFileSync(path, await makeImage(800 + i * 8, 600 + i * 4));
    paths.push(path);
  }
  return paths;
}
