/**
 * Just enough of EXIF (a TIFF structure) to read a photo's capture date and GPS block, and to
 * write a small new one. Reading is bounded and defensive: the input is any file a user has.
 */

export interface IfdEntry {
  readonly tag: number;
  readonly type: number;
  readonly count: number;
  /** The values, big-endian (converted from the file's byte order when reading). */
  readonly value: Buffer;
}

interface ParsedExif {
  readonly ifd0: ReadonlyMap<number, IfdEntry>;
  readonly exif: ReadonlyMap<number, IfdEntry>;
  readonly gps: ReadonlyMap<number, IfdEntry>;
}

export const TAG = {
  Orientation: 0x0112,
  Software: 0x0131,
  ExifIfd: 0x8769,
  ExifVersion: 0x9000,
  GpsIfd: 0x8825,
  DateTimeOriginal: 0x9003,
  CreateDate: 0x9004,
  OffsetTimeOriginal: 0x9011,
  SubSecTimeOriginal: 0x9291,
} as const;

/** Bytes per unit of each TIFF type (a RATIONAL is two 4-byte units). */
const UNIT: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 1, 7: 1, 8: 2, 9: 4, 10: 4, 11: 4, 12: 8 };
const UNITS_PER_VALUE: Record<number, number> = { 5: 2, 10: 2 };
const MAX_ENTRIES = 512;

/** An EXIF block as found in a file or in sharp's metadata ("Exif\0\0" and then TIFF, or TIFF alone). */
export function parseExif(block: Buffer): ParsedExif | null {
  const tiff = block.toString('latin1', 0, 6) === 'Exif\0\0' ? block.subarray(6) : block;
  if (tiff.length < 8) return null;
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const little = order === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return null;

  const readIfd = (offset: number): Map<number, IfdEntry> => {
    const entries = new Map<number, IfdEntry>();
    if (offset < 8 || offset + 2 > tiff.length) return entries;
    const count = Math.min(u16(offset), MAX_ENTRIES);
    for (let index = 0; index < count; index++) {
      const at = offset + 2 + index * 12;
      if (at + 12 > tiff.length) break;
      const type = u16(at + 2);
      const unit = UNIT[type];
      if (unit === undefined) continue;
      const valueCount = u32(at + 4);
      const size = valueCount * unit * (UNITS_PER_VALUE[type] ?? 1);
      if (size > 65536) continue;
      const start = size <= 4 ? at + 8 : u32(at + 8);
      if (start + size > tiff.length) continue;
      const value = Buffer.from(tiff.subarray(start, start + size));
      if (little && unit > 1) swapUnits(value, unit);
      entries.set(u16(at), { tag: u16(at), type, count: valueCount, value });
    }
    return entries;
  };
  const pointer = (entries: Map<number, IfdEntry>, tag: number) => {
    const entry = entries.get(tag);
    return entry && entry.value.length >= 4 ? entry.value.readUInt32BE(0) : 0;
  };
  try {
    const ifd0 = readIfd(u32(4));
    return { ifd0, exif: readIfd(pointer(ifd0, TAG.ExifIfd)), gps: readIfd(pointer(ifd0, TAG.GpsIfd)) };
  } catch {
    return null;
  }
}

function swapUnits(value: Buffer, unit: number): void {
  if (unit === 2) value.swap16();
  else if (unit === 4) value.swap32();
  else if (unit === 8) value.swap64();
}

/** An ASCII entry's text, without its terminating NUL(s). */
export function asciiValue(entry: IfdEntry | undefined): string | null {
  if (entry?.type !== 2) return null;
  return entry.value.toString('latin1').replace(/\0+$/, '').trim() || null;
}

export function shortValue(entry: IfdEntry | undefined): number | null {
  if (entry?.type !== 3 || entry.value.length < 2) return null;
  return entry.value.readUInt16BE(0);
}

export function asciiEntry(tag: number, text: string): IfdEntry {
  const value = Buffer.from(`${text}\0`, 'latin1');
  return { tag, type: 2, count: value.length, value };
}

export function shortEntry(tag: number, number: number): IfdEntry {
  const value = Buffer.alloc(2);
  value.writeUInt16BE(number);
  return { tag, type: 3, count: 1, value };
}

/**
 * A big-endian TIFF block with IFD0, and an Exif and a GPS IFD when they have entries,
 * prefixed with "Exif\0\0" as JPEG's APP1 wants it (PNG's eXIf takes it without: subarray(6)).
 */
export function buildExif(ifd0: readonly IfdEntry[], exif: readonly IfdEntry[], gps: readonly IfdEntry[]): Buffer {
  const pointerEntry = (tag: number): IfdEntry => ({ tag, type: 4, count: 1, value: Buffer.alloc(4) });
  const main = [...ifd0.filter((entry) => entry.tag !== TAG.ExifIfd && entry.tag !== TAG.GpsIfd)];
  if (exif.length) main.push(pointerEntry(TAG.ExifIfd));
  if (gps.length) main.push(pointerEntry(TAG.GpsIfd));
  const ifds = [main, [...exif], [...gps]].filter((entries) => entries.length > 0).map((entries) => [...entries].sort((a, b) => a.tag - b.tag));

  // Layout: header, then each IFD followed by the values that do not fit in its entries.
  const sizeOf = (entries: IfdEntry[]) =>
    2 + entries.length * 12 + 4 + entries.reduce((sum, entry) => sum + (entry.value.length > 4 ? even(entry.value.length) : 0), 0);
  const offsets: number[] = [];
  let cursor = 8;
  for (const entries of ifds) {
    offsets.push(cursor);
    cursor += sizeOf(entries);
  }
  const tiff = Buffer.alloc(cursor);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  const exifAt = exif.length ? offsets[1]! : 0;
  const gpsAt = gps.length ? offsets[exif.length ? 2 : 1]! : 0;
  ifds.forEach((entries, index) => {
    const at = offsets[index]!;
    tiff.writeUInt16BE(entries.length, at);
    let data = at + 2 + entries.length * 12 + 4;
    entries.forEach((entry, position) => {
      const slot = at + 2 + position * 12;
      tiff.writeUInt16BE(entry.tag, slot);
      tiff.writeUInt16BE(entry.type, slot + 2);
      tiff.writeUInt32BE(entry.count, slot + 4);
      let value = entry.value;
      if (index === 0 && entry.tag === TAG.ExifIfd) value = u32be(exifAt);
      if (index === 0 && entry.tag === TAG.GpsIfd) value = u32be(gpsAt);
      if (value.length <= 4) value.copy(tiff, slot + 8);
      else {
        tiff.writeUInt32BE(data, slot + 8);
        value.copy(tiff, data);
        data += even(value.length);
      }
    });
    // The next-IFD offset stays 0: these are not a chain of pages.
  });
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

function even(length: number): number {
  return length + (length % 2);
}

function u32be(number: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32BE(number);
  return buffer;
}

/** GPS IFD tags 0x00 (GPSVersionID) to 0x1F (GPSHPositioningError): every tag the EXIF standard defines there. */
const LAST_STANDARD_GPS_TAG = 0x1f;
/** Longer than any standard GPS value needs (the free-text ones, GPSProcessingMethod and GPSAreaInformation, included). */
const MAX_GPS_VALUE_BYTES = 256;

/**
 * The part of an original's GPS block worth copying (--keep-gps): the standard tags at sane
 * sizes. A hostile original can carry 512 entries of 64 KB each, which copied as they were
 * made a 3 MB result 34 MB and a JPEG's EXIF too big for its segment.
 */
export function standardGps(entries: readonly IfdEntry[]): IfdEntry[] {
  return entries.filter((entry) => entry.tag <= LAST_STANDARD_GPS_TAG && entry.value.length <= MAX_GPS_VALUE_BYTES);
}
