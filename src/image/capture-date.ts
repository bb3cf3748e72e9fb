/**
 * When the photo was taken, for results that should sort beside their original: EXIF
 * DateTimeOriginal, else EXIF CreateDate (DateTimeDigitized), else XMP (exif:DateTimeOriginal,
 * photoshop:DateCreated, xmp:CreateDate). Returned as ISO 8601, with the zone offset only when
 * the photo recorded one: "2023-07-14T18:30:05" or "2023-07-14T18:30:05+02:00". Null when the
 * file says nothing usable. Reads the metadata blocks sharp hands back; decodes no pixels.
 */
export function captureDateOf(metadata: { exif?: Buffer | undefined; xmp?: Buffer | undefined }): string | null {
  return (metadata.exif && fromExif(metadata.exif)) || (metadata.xmp && fromXmp(metadata.xmp)) || null;
}

const DATE_TIME_ORIGINAL = 0x9003;
const CREATE_DATE = 0x9004;
const OFFSET_TIME_ORIGINAL = 0x9011;
const OFFSET_TIME_DIGITIZED = 0x9012;
const EXIF_IFD_POINTER = 0x8769;
const ASCII = 2;
const LONG = 4;

function fromExif(exif: Buffer): string | null {
  // JPEG's APP1 payload starts with "Exif\0\0"; HEIF's Exif item may not. Find the TIFF header.
  const start = [0, 6, 10].find((offset) => isTiffHeader(exif, offset));
  if (start === undefined) return null;
  const tiff = exif.subarray(start);
  const little = tiff[0] === 0x49;
  const u16 = (at: number) => (at + 2 <= tiff.length ? (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at)) : 0);
  const u32 = (at: number) => (at + 4 <= tiff.length ? (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at)) : 0);

  const entries = (ifd: number): Map<number, { type: number; count: number; at: number }> => {
    const found = new Map<number, { type: number; count: number; at: number }>();
    const count = u16(ifd);
    for (let index = 0; index < count && index < 512; index++) {
      const entry = ifd + 2 + index * 12;
      if (entry + 12 > tiff.length) break;
      const type = u16(entry + 2);
      const valueCount = u32(entry + 4);
      // Values of four bytes or less sit in the entry itself; longer ones are elsewhere.
      const at = type === ASCII && valueCount > 4 ? u32(entry + 8) : entry + 8;
      found.set(u16(entry), { type, count: valueCount, at });
    }
    return found;
  };
  const text = (entry: { type: number; count: number; at: number } | undefined): string | null => {
    if (!entry || entry.type !== ASCII || entry.at + entry.count > tiff.length) return null;
    return tiff.toString('latin1', entry.at, entry.at + entry.count).replace(/\0.*$/s, '').trim();
  };

  const ifd0 = entries(u32(4));
  const pointer = ifd0.get(EXIF_IFD_POINTER);
  if (!pointer || pointer.type !== LONG) return null;
  const exifIfd = entries(u32(pointer.at));
  return (
    exifDate(text(exifIfd.get(DATE_TIME_ORIGINAL)), text(exifIfd.get(OFFSET_TIME_ORIGINAL))) ??
    exifDate(text(exifIfd.get(CREATE_DATE)), text(exifIfd.get(OFFSET_TIME_DIGITIZED)))
  );
}

function isTiffHeader(bytes: Buffer, at: number): boolean {
  if (at + 8 > bytes.length) return false;
  const mark = bytes.toString('latin1', at, at + 4);
  return mark === 'II*\0' || mark === 'MM\0*';
}

/** "2023:07:14 18:30:05" (+ "+02:00") as ISO 8601; null for blanks and the all-zero placeholder. */
function exifDate(value: string | null, offset: string | null): string | null {
  const match = value?.match(/^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!match || !plausible(match)) return null;
  const [, year, month, day, hour, minute, second] = match;
  const zone = offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : '';
  return `${year}-${month}-${day}T${hour}:${minute}:${second}${zone}`;
}

function fromXmp(xmp: Buffer): string | null {
  const text = xmp.toString('utf8');
  for (const name of ['exif:DateTimeOriginal', 'photoshop:DateCreated', 'xmp:CreateDate']) {
    // As an attribute (name="...") or as an element (<name>...</name>).
    const match = text.match(new RegExp(`${name}\\s*=\\s*["']([^"']+)["']|<${name}>([^<]+)</${name}>`));
    const value = (match?.[1] ?? match?.[2])?.trim();
    const parts = value?.match(/^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})?)?$/);
    if (!parts || !plausible(parts)) continue;
    const [, year, month, day, hour, minute, second, zone] = parts;
    if (hour === undefined) return `${year}-${month}-${day}`;
    return `${year}-${month}-${day}T${hour}:${minute}:${second ?? '00'}${zone ?? ''}`;
  }
  return null;
}

function plausible(parts: RegExpMatchArray): boolean {
  const year = Number(parts[1]), month = Number(parts[2]), day = Number(parts[3]);
  return year >= 1800 && month >= 1 && month <= 12 && day >= 1 && day <= 31;
}
