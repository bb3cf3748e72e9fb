import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { InputError } from '../core/errors.js';
import { inspectImage, describeReport, type ImageReport } from './check.js';
import type { FixOptions, PreparedImage } from './prepare.js';
import { formatName, humanBytes, IMAGE_RULES, MAX_REPAIR_PIXELS, sizeViolations } from './rules.js';
import { imageWork, sharp, type Sharp } from './sharp.js';
import { rasterizeSvg } from './rasterize-svg.js';
import { stripMetadata } from './strip-metadata.js';

/** No single step of a repair (decode, resize, encode) may take longer: a hostile file cannot hold a run. */
const REPAIR_TIMEOUT_SECONDS = 60;

interface RepairLimits {
  readonly timeoutSeconds: number;
}

/** Tried in turn until the JPEG fits 5 MB. */
const JPEG_QUALITIES = [90, 84, 78, 72, 64, 56, 48, 40];

/**
 * --fix: turns anything sharp can read into bytes the API accepts, and says what changed.
 * The original file is only read. Files that pass every rule and carry nothing to remove are
 * sent as they are; metadata alone is removed losslessly where possible; everything else is
 * decoded once, oriented, converted to 8-bit sRGB, resized into the allowed range and encoded
 * (JPEG, or PNG when transparency matters) at the best quality that fits 5 MB.
 */
export function repairImage(path: string, options: FixOptions, limits: RepairLimits = { timeoutSeconds: REPAIR_TIMEOUT_SECONDS }): Promise<PreparedImage> {
  return imageWork(() => repair(path, options, limits));
}

async function repair(path: string, options: FixOptions, limits: RepairLimits): Promise<PreparedImage> {
  // A HEIC is decoded once, below, rather than also in the check.
  const report = await inspectImage(path, { decodeHeic: false });
  const fatal = report.errors.find((error) => error.rule === 'readable' || error.rule === 'regular-file' || error.rule === 'decodes');
  if (fatal || report.format === null || report.width === null || report.height === null) {
    throw new InputError(`cannot fix: ${describeReport(report)}`, { code: fatal?.rule ?? 'format' });
  }
  const pixels = report.width * report.height;
  // An SVG is drawn at the size we need (rasterize-svg.ts), whatever size it declares.
  if (pixels > MAX_REPAIR_PIXELS && report.format !== 'svg') {
    throw new InputError(
      `cannot fix: ${report.width}x${report.height} is ${Math.round(pixels / 1e6)} megapixels, over the ${Math.round(MAX_REPAIR_PIXELS / 1e6)}-megapixel limit; refusing to decode it`,
      { code: 'pixel-limit' },
    );
  }
  const sha256 = await hashFile(path);

  if (!needsNewPixels(report)) {
    const original = report.data!;
    const captureDate = report.captureDate;
    if (!report.hasMetadata || options.keepMetadata) return { bytes: original, sha256, changes: [], warnings: [], captureDate };
    const stripped = stripMetadata(original, report.format);
    if (stripped)
      return { bytes: stripped, sha256, changes: [`removed metadata (${report.metadataKinds.join(', ')}) without re-encoding`], warnings: [], captureDate };
  }
  return { ...(await reencode(path, report, options, limits)), sha256, captureDate: report.captureDate };
}

/** Whether the pixels themselves must be decoded and encoded again. */
function needsNewPixels(report: ImageReport): boolean {
  return !report.ok || report.orientation !== 1 || report.colourSpace === 'cmyk' || report.sixteenBit || report.palette;
}

/** What re-encoding changes in the pixels' layout, for people. */
function pixelChanges(report: ImageReport): string[] {
  const changes: string[] = [];
  if (report.format !== 'jpeg' && report.format !== 'png') changes.push(`converted ${formatName(report.format)}`);
  if (report.pages > 1) changes.push(`kept the first of ${report.pages} frames`);
  if (report.orientation !== 1) changes.push(`rotated upright (EXIF orientation ${report.orientation})`);
  if (report.colourSpace === 'cmyk') changes.push('converted CMYK to sRGB');
  // libvips misreads a HEIC grid's depth; libheif hands us 8 bits whatever the file holds.
  if (report.sixteenBit && report.format !== 'heic') changes.push('converted 16-bit to 8-bit');
  if (report.palette) changes.push('expanded the palette to full colour');
  return changes;
}

async function reencode(path: string, report: ImageReport, options: FixOptions, limits: RepairLimits): Promise<Omit<PreparedImage, 'sha256' | 'captureDate'>> {
  const changes = pixelChanges(report);
  const warnings: string[] = [];
  const width = report.width!;
  const height = report.height!;

  const target = targetSize(width, height);
  if (target.width !== width || target.height !== height) {
    const verb = target.width > width ? 'upscaled' : 'downscaled';
    changes.push(`${verb} ${width}x${height} to ${target.width}x${target.height}`);
    if (verb === 'upscaled') warnings.push(`upscaled from ${width}x${height}: quality will suffer; a larger original gives a better result`);
  }

  const timeout = { seconds: limits.timeoutSeconds };
  const heic = report.format === 'heic' ? await decodeHeicForFix(path, options, warnings) : null;
  // An SVG is drawn once at the target size (time-bounded, in a child process); every step below starts from that drawing.
  const input = report.format === 'svg' ? await rasterizeSvg({ path, declared: { width, height }, target, timeoutSeconds: limits.timeoutSeconds }) : path;
  // sharp cannot read HEVC: a HEIC starts from libheif's pixels, already upright and whole.
  const open = (): Sharp =>
    heic
      ? sharp(heic.data, { raw: { width: heic.width, height: heic.height, channels: heic.channels }, limitInputPixels: MAX_REPAIR_PIXELS }).timeout(timeout)
      : sharp(input, { failOn: 'error', limitInputPixels: MAX_REPAIR_PIXELS, page: 0 }).timeout(timeout).autoOrient();
  const decode = (): Sharp => open().resize(target.width, target.height, { fit: 'fill', kernel: 'lanczos3' }).toColourspace('srgb');

  let encoded: { bytes: Buffer; note: string | null } | null = null;
  try {
    const transparent = report.alpha && !(await open().resize(256, 256, { fit: 'inside' }).stats()).isOpaque;
    if (transparent) {
      const png = await withMetadata(decode(), options).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer();
      if (png.length <= IMAGE_RULES.maxBytes) {
        encoded = { bytes: png, note: report.format === 'png' ? null : 'saved as PNG to keep the transparency' };
      } else {
        changes.push('flattened the transparency onto white (as PNG it was over 5 MB)');
      }
    }
    if (!encoded) encoded = await fittingJpeg(decode, transparent || report.alpha, options, timeout);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    if (/timeout/i.test(reason)) {
      throw new InputError(`cannot fix: repairing it took over ${limits.timeoutSeconds} s; refusing it`, {
        code: 'repair-timeout',
        hint: 'convert it to a JPEG of at most 4096 px yourself',
      });
    }
    throw new InputError(`cannot fix: the image could not be decoded: ${reason}`, { code: 'decodes' });
  }
  if (encoded.note) changes.push(encoded.note);
  if (report.hasMetadata && !options.keepMetadata) changes.push(`removed metadata (${report.metadataKinds.join(', ')})`);

  const problems = sizeViolations(encoded.bytes.length, target.width, target.height);
  if (problems.length) throw new InputError(`cannot fix: ${problems.map((problem) => problem.message).join('; ')}`, { code: problems[0]!.rule });
  return { bytes: encoded.bytes, changes, warnings };
}

async function fittingJpeg(
  decode: () => Sharp,
  flatten: boolean,
  options: FixOptions,
  timeout: { seconds: number },
): Promise<{ bytes: Buffer; note: string | null }> {
  const flattened = () => decode().flatten({ background: '#ffffff' });
  // With no metadata to carry over, decode and resize once; each quality step only encodes again.
  const raw = options.keepMetadata ? null : await flattened().raw().toBuffer({ resolveWithObject: true });
  const encodeAt = (quality: number) =>
    raw
      ? sharp(raw.data, { raw: { width: raw.info.width, height: raw.info.height, channels: raw.info.channels } })
          .timeout(timeout)
          .jpeg({ quality })
          .toBuffer()
      : withMetadata(flattened(), options).jpeg({ quality }).toBuffer();
  for (const quality of JPEG_QUALITIES) {
    const jpeg = await encodeAt(quality);
    if (jpeg.length <= IMAGE_RULES.maxBytes) {
      const notes = [quality < JPEG_QUALITIES[0]! ? `encoded as JPEG at quality ${quality} to fit 5 MB` : 'encoded as JPEG'];
      if (flatten) notes.push('transparent areas on white');
      return { bytes: jpeg, note: notes.join(', ') };
    }
  }
  throw new InputError(`cannot fix: even at JPEG quality ${JPEG_QUALITIES.at(-1)} the image is over ${humanBytes(IMAGE_RULES.maxBytes)}`, {
    code: 'max-bytes',
  });
}

async function decodeHeicForFix(path: string, options: FixOptions, warnings: string[]) {
  const { decodeHeicFile } = await import('./heic.js');
  try {
    const decoded = await decodeHeicFile(path);
    if (options.keepMetadata) warnings.push("--keep-metadata cannot carry a HEIC's metadata into the JPEG; it was dropped");
    return decoded;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new InputError(`cannot fix: the HEIC image could not be decoded: ${reason}`, { code: 'decodes' });
  }
}

function withMetadata(image: Sharp, options: FixOptions): Sharp {
  // sharp drops all metadata unless asked; autoOrient() has already reset the orientation tag.
  return options.keepMetadata ? image.keepMetadata() : image;
}

/**
 * Into the provider's range: at most 4096 on the long side; at least 600 short and 800 long,
 * scaling up by max(600 / short, 800 / long). The aspect ratio is kept.
 */
export function targetSize(width: number, height: number): { width: number; height: number } {
  const short = Math.min(width, height);
  const long = Math.max(width, height);
  let scale = 1;
  if (long > IMAGE_RULES.maxSide) scale = IMAGE_RULES.maxSide / long;
  else if (short < IMAGE_RULES.minShortSide || long < IMAGE_RULES.minLongSide) {
    scale = Math.max(IMAGE_RULES.minShortSide / short, IMAGE_RULES.minLongSide / long);
  }
  if (scale === 1) return { width, height };
  const round = scale > 1 ? Math.ceil : Math.floor;
  const scaled = { width: Math.max(1, round(width * scale)), height: Math.max(1, round(height * scale)) };
  if (Math.max(scaled.width, scaled.height) > IMAGE_RULES.maxSide) {
    throw new InputError(
      `cannot fix: ${width}x${height} is too narrow to fit both 600x800 and 4096x4096 (scaled up it would be ${scaled.width}x${scaled.height})`,
      { code: 'min-size' },
    );
  }
  return scaled;
}

function hashFile(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolve(hash.digest('hex')))
      .on('error', reject);
  });
}
