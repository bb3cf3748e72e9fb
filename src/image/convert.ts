import { readFile } from 'node:fs/promises';
import { InputError } from '../core/errors.js';
import type { ImageReport } from './check.js';
import type { PreparedImage } from './prepare.js';
import { sha256 } from './prepare.js';
import { formatName, humanBytes, IMAGE_RULES, MAX_REPAIR_PIXELS, sizeViolations } from './rules.js';
import { imageWork, sharp, type Sharp } from './sharp.js';

/**
 * Formats the API refuses but a phone or a browser hands people every day. They are converted
 * without --fix: a change of file format, not of the picture (same pixels, size, orientation
 * and colour profile), so it needs no consent. --fix stays the consent for changing the picture
 * itself; --no-convert restores the refusal. SVG stays with --fix: it is drawn at a chosen size.
 */
const CONVERTIBLE = new Set(['heic', 'webp', 'avif', 'tiff', 'gif']);

/** Tried in turn until the JPEG fits 5 MB. */
const JPEG_QUALITIES = [92, 85, 78, 70];

/** One conversion step may not take longer: a hostile file cannot hold a run. */
const CONVERT_TIMEOUT = { seconds: 60 };

/** True when the only thing wrong is the file format (a file over 5 MB may fit once converted). */
export function isConvertible(report: ImageReport): boolean {
  if (report.format === null || !CONVERTIBLE.has(report.format)) return false;
  if ((report.width ?? 0) * (report.height ?? 0) > MAX_REPAIR_PIXELS) return false;
  return report.errors.every((error) => error.rule === 'format' || error.rule === 'max-bytes');
}

/**
 * Converts a file isConvertible() accepted into a JPEG (a PNG when it has transparency).
 * `sha256` is the ORIGINAL file's: the item key hashes the photo on disk, so converting (or
 * converting differently in a later version) never makes an item new and never pays twice.
 */
export function convertFormat(path: string, report: ImageReport): Promise<PreparedImage> {
  return imageWork(async () => {
    const original = await readFile(path);
    const open = await opener(original, report);
    const transparent = report.alpha && !(await open().resize(256, 256, { fit: 'inside' }).stats()).isOpaque;
    const encoded = transparent ? await open().png({ compressionLevel: 9 }).toBuffer() : await fittingJpeg(open);
    const problems = sizeViolations(encoded.length, report.width!, report.height!);
    if (problems.length) {
      throw new InputError(`converted from ${formatName(report.format)}, it is still refused: ${problems.map((problem) => problem.message).join('; ')}`, {
        code: problems[0]!.rule,
        hint: 'add --fix to resize or re-encode it for the API (the original is not changed)',
      });
    }
    const frames = report.pages > 1 ? ` (the first of ${report.pages} frames)` : '';
    const note = `converted ${formatName(report.format)} to ${transparent ? 'PNG' : 'JPEG'}${frames} for the API (the original is not changed; --no-convert refuses instead)`;
    return { bytes: encoded, sha256: sha256(original), changes: [], warnings: [], notes: [note], captureDate: report.captureDate };
  });
}

/** A fresh sharp pipeline over the picture as it is: sharp reads all but HEVC, which libheif decodes. */
async function opener(original: Buffer, report: ImageReport): Promise<() => Sharp> {
  if (report.format === 'heic') {
    const { decodeHeic } = await import('./heic.js');
    let heic: Awaited<ReturnType<typeof decodeHeic>>;
    try {
      heic = await decodeHeic(original);
    } catch (error) {
      throw new InputError(`the HEIC image could not be decoded: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`, {
        code: 'decodes',
      });
    }
    return () => sharp(heic.data, { raw: { width: heic.width, height: heic.height, channels: heic.channels } }).timeout(CONVERT_TIMEOUT);
  }
  // keepMetadata(): the orientation tag and the colour profile travel along, so the picture looks the same.
  return () => sharp(original, { failOn: 'error', limitInputPixels: MAX_REPAIR_PIXELS, page: 0 }).timeout(CONVERT_TIMEOUT).keepMetadata();
}

async function fittingJpeg(open: () => Sharp): Promise<Buffer> {
  for (const quality of JPEG_QUALITIES) {
    const jpeg = await open().flatten({ background: '#ffffff' }).jpeg({ quality }).toBuffer();
    if (jpeg.length <= IMAGE_RULES.maxBytes) return jpeg;
  }
  throw new InputError(`converted to JPEG it is still over ${humanBytes(IMAGE_RULES.maxBytes)}`, {
    code: 'max-bytes',
    hint: 'add --fix to resize or re-encode it for the API (the original is not changed)',
  });
}
