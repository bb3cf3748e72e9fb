import { createHash } from 'node:crypto';
import { InputError } from '../core/errors.js';
import { checkImage, describeReport, type ImageReport } from './check.js';
import { MAX_REPAIR_PIXELS } from './rules.js';

/** What is sent for a local file, and what it took to get there. */
export interface PreparedImage {
  readonly bytes: Buffer;
  /** Of the original file as read from disk, with or without --fix: the item key hashes this (ledger/item-key.ts). */
  readonly sha256: string;
  /** What --fix changed, for the report; empty when the file went as it was. */
  readonly changes: readonly string[];
  readonly warnings: readonly string[];
  /** Said once per input, as they are: a format converted without --fix (convert.ts). */
  readonly notes?: readonly string[];
  /**
   * When the original photo was taken (EXIF DateTimeOriginal, else CreateDate, else XMP), as
   * ISO 8601 ("2023-07-14T18:30:05", with "+02:00" when the photo recorded its zone); null
   * when it does not say. Read from the original even when --fix strips the metadata, so
   * results can carry it.
   */
  readonly captureDate: string | null;
}

export interface FixOptions {
  readonly keepMetadata: boolean;
}

export function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** True when --fix could turn this file into one the API takes. */
export function isRepairable(report: ImageReport): boolean {
  if (report.format === null) return false;
  // An SVG is rendered at the size the API needs, so its declared size does not matter.
  if (report.format !== 'svg' && (report.width ?? 0) * (report.height ?? 0) > MAX_REPAIR_PIXELS) return false;
  return report.errors.every((error) => error.rule === 'format' || error.rule === 'max-bytes' || error.rule === 'min-size' || error.rule === 'max-size');
}

/**
 * Checks a local file with the provider's rules and returns the bytes to send. Without
 * --fix a file in a format the API cannot take (HEIC, WebP, ...) is converted unless
 * `convert` is false, and any other invalid file is refused (with a hint when --fix would
 * repair it); with --fix it is repaired in memory. The original file is never touched.
 */
export async function prepareFile(path: string, fix: FixOptions | null, convert = true): Promise<PreparedImage> {
  if (fix) {
    const { repairImage } = await import('./fix.js');
    return repairImage(path, fix);
  }
  // A HEIC that will be converted is decoded once, by the conversion (about 0.1 s a megapixel).
  const report = await checkImage(path, { decodeHeic: !convert });
  if (!report.ok && convert) {
    const { convertFormat, isConvertible } = await import('./convert.js');
    if (isConvertible(report)) return convertFormat(path, report);
  }
  if (!report.ok || !report.data) {
    const repairable = isRepairable(report);
    // The hint line is shown once a run; the short note stays on every line --fix would repair.
    throw new InputError(`${describeReport(report)}${repairable ? ' (--fix repairs this)' : ''}`, {
      code: report.errors[0]?.rule ?? 'invalid-image',
      hint: repairable ? 'add --fix to convert, resize or re-encode it for the API (the original is not changed)' : undefined,
    });
  }
  return { bytes: report.data, sha256: sha256(report.data), changes: [], warnings: [], captureDate: report.captureDate };
}
