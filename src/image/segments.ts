/**
 * JPEG segments and PNG chunks, walked without decoding: what lets metadata be removed or
 * added while the compressed pixels stay byte for byte as they were.
 */

interface JpegSegment {
  readonly marker: number;
  /** The whole segment, marker included. */
  readonly bytes: Buffer;
}

export const JPEG_APP0 = 0xe0;
export const JPEG_APP1 = 0xe1;
export const JPEG_APP2 = 0xe2;
const JPEG_SOS = 0xda;

/**
 * A real JPEG has a few dozen segments before its scan; a hostile one can hold millions of
 * empty ones (4 bytes each: 11 million in a 44 MB download), and an object per segment took a
 * single result past 2.7 GB. Past this many the walk stops, and the file is saved as received.
 */
export const MAX_JPEG_SEGMENTS = 4096;
/** The same for PNG and WebP chunks: a large PNG legitimately splits its pixels into thousands of IDATs. */
const MAX_CHUNKS = 100_000;

/** A file with more segments or chunks than any real image: not walked further. */
export class TooManySegmentsError extends Error {
  override name = 'TooManySegmentsError';
  constructor(limit: number, what: string) {
    super(`its header has more than ${limit} ${what}`);
  }
}

/**
 * The segments between SOI and the start of scan, and everything from SOS to the end
 * (entropy-coded data, which is never looked into). Null for anything that is not a
 * well-formed JPEG header; throws TooManySegmentsError past MAX_JPEG_SEGMENTS.
 */
export function jpegSegments(bytes: Buffer): { segments: JpegSegment[]; scan: Buffer } | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const segments: JpegSegment[] = [];
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === JPEG_SOS) return { segments, scan: bytes.subarray(offset) };
    const length = bytes.readUInt16BE(offset + 2);
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) return null;
    if (segments.length === MAX_JPEG_SEGMENTS) throw new TooManySegmentsError(MAX_JPEG_SEGMENTS, 'segments');
    segments.push({ marker, bytes: bytes.subarray(offset, end) });
    offset = end;
  }
  return null;
}

/** A JPEG segment with its marker and length; null when the payload is too big for one. */
export function jpegSegment(marker: number, payload: Buffer): Buffer | null {
  if (payload.length + 2 > 0xffff) return null;
  const header = Buffer.from([0xff, marker, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface PngChunk {
  readonly type: string;
  /** The chunk's data, without length, type and CRC. */
  readonly data: Buffer;
  /** The whole chunk as it was in the file. */
  readonly bytes: Buffer;
}

/** Every chunk up to and including IEND; null for anything that is not a well-formed PNG; throws past MAX_CHUNKS. */
export function pngChunks(bytes: Buffer): PngChunk[] | null {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  const chunks: PngChunk[] = [];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length) return null;
    if (chunks.length === MAX_CHUNKS) throw new TooManySegmentsError(MAX_CHUNKS, 'chunks');
    chunks.push({ type, data: bytes.subarray(offset + 8, offset + 8 + length), bytes: bytes.subarray(offset, end) });
    offset = end;
    if (type === 'IEND') return chunks;
  }
  return null;
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

export function pngChunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

export interface RiffChunk {
  readonly fourcc: string;
  readonly data: Buffer;
}

/** The chunks of a WebP (RIFF) file, in order; null for anything else or anything malformed. */
export function webpChunks(bytes: Buffer): RiffChunk[] | null {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WEBP') return null;
  const end = Math.min(bytes.length, 8 + bytes.readUInt32LE(4));
  const chunks: RiffChunk[] = [];
  let offset = 12;
  while (offset + 8 <= end) {
    const size = bytes.readUInt32LE(offset + 4);
    if (offset + 8 + size > end) return null;
    if (chunks.length === MAX_CHUNKS) throw new TooManySegmentsError(MAX_CHUNKS, 'chunks');
    chunks.push({ fourcc: bytes.toString('latin1', offset, offset + 4), data: bytes.subarray(offset + 8, offset + 8 + size) });
    offset += 8 + size + (size % 2);
  }
  return chunks.length ? chunks : null;
}

/** A WebP file from its chunks, each padded to an even size as RIFF wants. */
export function webpFile(chunks: readonly RiffChunk[]): Buffer {
  const parts = chunks.map(({ fourcc, data }) => {
    const header = Buffer.alloc(8);
    header.write(fourcc, 0, 'latin1');
    header.writeUInt32LE(data.length, 4);
    return Buffer.concat([header, data, Buffer.alloc(data.length % 2)]);
  });
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
