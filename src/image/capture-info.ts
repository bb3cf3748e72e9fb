import { open } from 'node:fs/promises';
import { asciiValue, parseExif, TAG, type IfdEntry } from './exif.js';

/** What a result inherits from its original: when the photo was taken, and where (only if asked). */
export interface CaptureInfo {
  /** "YYYY:MM:DD HH:MM:SS", EXIF's own form. */
  readonly dateTime: string;
  /** "+02:00", when the original says. */
  readonly offset: string | null;
  /** Fractions of a second, digits only. */
  readonly subSeconds: string | null;
  /** The original said only the day (an XMP date without a time): the time is not to be shown as known. */
  readonly dateOnly?: boolean;
  /** The original's GPS IFD, untouched; copied only with --keep-gps. */
  readonly gps: readonly IfdEntry[];
}

const EXIF_DATE = /^(\d{4}):(\d{2}):(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * The capture date from an EXIF block (DateTimeOriginal, else CreateDate), else from XMP
 * (exif:DateTimeOriginal, photoshop:DateCreated, xmp:CreateDate). Null when the original
 * does not say: a result then carries no capture date rather than an invented one.
 */
function captureInfoFrom(metadata: { exif?: Buffer; xmp?: Buffer }): CaptureInfo | null {
  const parsed = metadata.exif ? parseExif(metadata.exif) : null;
  const gps = parsed ? [...parsed.gps.values()] : [];
  const fromExif = parsed ? (validDate(asciiValue(parsed.exif.get(TAG.DateTimeOriginal))) ?? validDate(asciiValue(parsed.exif.get(TAG.CreateDate)))) : null;
  if (fromExif && parsed) {
    const offset = asciiValue(parsed.exif.get(TAG.OffsetTimeOriginal));
    const subSeconds = asciiValue(parsed.exif.get(TAG.SubSecTimeOriginal));
    return {
      dateTime: fromExif,
      offset: offset && /^[+-]\d{2}:\d{2}$/.test(offset) ? offset : null,
      subSeconds: subSeconds && /^\d{1,9}$/.test(subSeconds) ? subSeconds : null,
      gps,
    };
  }
  const fromXmp = metadata.xmp ? xmpDate(metadata.xmp.toString('utf8')) : null;
  return fromXmp ? { ...fromXmp, gps } : null;
}

/** A TIFF file is itself an EXIF structure; libvips does not hand its EXIF IFD over, so read it directly. */
const TIFF_READ_LIMIT = 64 * 1024 * 1024;

/** Reads a file's header only (sharp does not decode pixels for metadata). */
export async function readCaptureInfo(path: string): Promise<CaptureInfo | null> {
  try {
    const head = Buffer.alloc(4);
    const handle = await open(path, 'r');
    try {
      await handle.read(head, 0, 4, 0);
      const size = (await handle.stat()).size;
      const magic = head.toString('latin1');
      if ((magic === 'II*\0' || magic === 'MM\0*') && size <= TIFF_READ_LIMIT) {
        return captureInfoFrom({ exif: await handle.readFile() });
      }
    } finally {
      await handle.close();
    }
    const { sharp } = await import('./sharp.js');
    const metadata = await sharp(path).metadata();
    return captureInfoFrom({ exif: metadata.exif, xmp: metadata.xmp });
  } catch {
    return null; // an input sharp cannot read has no date we can copy
  }
}

/**
 * The capture date as ISO 8601, with the zone only when the photo recorded one
 * ("2023-07-14T18:30:05+02:00"): what `check` reports and what a prepared image carries.
 */
export function captureDateOf(metadata: { exif?: Buffer; xmp?: Buffer }): string | null {
  const info = captureInfoFrom(metadata);
  if (!info) return null;
  const [date, time] = info.dateTime.split(' ');
  return info.dateOnly ? date!.replaceAll(':', '-') : `${date!.replaceAll(':', '-')}T${time}${info.offset ?? ''}`;
}

/** "YYYY-MM-DD" of a capture date, for {date} in names. */
export function calendarDate(info: CaptureInfo): string {
  return info.dateTime.slice(0, 10).replaceAll(':', '-');
}

/** The same moment in XMP's form: "2024-05-01T10:20:30.25+02:00". */
export function xmpDateTime(info: CaptureInfo): string {
  const [date, time] = info.dateTime.split(' ');
  if (info.dateOnly) return date!.replaceAll(':', '-');
  return `${date!.replaceAll(':', '-')}T${time}${info.subSeconds ? `.${info.subSeconds}` : ''}${info.offset ?? ''}`;
}

function validDate(text: string | null): string | null {
  const match = text ? EXIF_DATE.exec(text) : null;
  if (!match) return null;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  if (year! < 1800 || month! < 1 || month! > 12 || day! < 1 || day! > 31 || hour! > 23 || minute! > 59 || second! > 60) return null;
  return text;
}

const XMP_DATE_PROPERTIES = ['exif:DateTimeOriginal', 'photoshop:DateCreated', 'xmp:CreateDate'];
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?)?$/;

function xmpDate(xmp: string): Omit<CaptureInfo, 'gps'> | null {
  for (const property of XMP_DATE_PROPERTIES) {
    const escaped = property.replace('.', '\\.');
    const match = new RegExp(`${escaped}\\s*=\\s*"([^"]+)"|<${escaped}>([^<]+)</${escaped}>`).exec(xmp);
    const iso = ISO_DATE.exec((match?.[1] ?? match?.[2] ?? '').trim());
    if (!iso) continue;
    const [, year, month, day, hour, minute = '00', second = '00', fraction, zone] = iso;
    const dateTime = validDate(`${year}:${month}:${day} ${hour ?? '00'}:${minute}:${second}`);
    if (!dateTime) continue;
    return { dateTime, offset: zone === 'Z' ? '+00:00' : (zone ?? null), subSeconds: fraction ?? null, ...(hour === undefined ? { dateOnly: true } : {}) };
  }
  return null;
}
