import { readFile, stat } from 'node:fs/promises';
import { captureDateOf } from './capture-info.js';
import { imageWork, sharp, type Metadata } from './sharp.js';
import { describeUnreadable, headOf } from './what-file.js';
import { IMAGE_RULES, formatName, humanBytes, sizeViolations, type RuleViolation } from './rules.js';

export interface ImageReport {
  readonly file: string;
  readonly ok: boolean;
  /** Format judged by content (sharp's name: jpeg, png, webp, heif, ...), null when not an image. */
  readonly format: string | null;
  /** Dimensions as displayed, i.e. after EXIF orientation. */
  readonly width: number | null;
  readonly height: number | null;
  readonly bytes: number | null;
  readonly errors: readonly RuleViolation[];
  /** EXIF orientation tag (1 when absent). */
  readonly orientation: number;
  /** EXIF, XMP, IPTC or comments present (not the ICC colour profile): --fix strips it unless --keep-metadata. */
  readonly hasMetadata: boolean;
  /** Which of them, for the report: ["EXIF", "XMP"]. */
  readonly metadataKinds: readonly string[];
  /** Pixel layout, for --fix: CMYK, 16-bit and palette images are converted to 8-bit sRGB. */
  readonly colourSpace: string | null;
  readonly sixteenBit: boolean;
  readonly palette: boolean;
  readonly alpha: boolean;
  /** Image pages (GIF frames); --fix keeps the first. */
  readonly pages: number;
  /** When the photo was taken (EXIF/XMP), ISO 8601, for provenance; see capture-info.ts. */
  readonly captureDate: string | null;
  /** The file's bytes, when it was small enough to read whole (<= the size limit). */
  readonly data?: Buffer;
}

/**
 * The local pre-flight: everything the provider would refuse, found before we pay.
 * Reads the header first, and decodes the pixels only when the dimensions are within the
 * provider's maximum, so a decompression bomb (huge dimensions in a tiny file) is refused
 * from its header with bounded memory.
 */
export function checkImage(file: string, options: InspectOptions = {}): Promise<ImageReport> {
  return imageWork(() => inspectImage(file, options));
}

interface InspectOptions {
  /**
   * Decode HEIC here to prove it is whole (default true). --fix turns it off: it decodes the
   * file anyway, and a HEIC decode is the slow part (about 0.1 s a megapixel).
   */
  readonly decodeHeic?: boolean;
}

/** checkImage without the queue, for callers already inside imageWork (queues must not nest). */
export async function inspectImage(file: string, options: InspectOptions = {}): Promise<ImageReport> {
  const fileProblem = await statProblem(file);
  if ('violation' in fileProblem) return failed(file, [fileProblem.violation], null);
  const bytes = fileProblem.size;
  if (bytes === 0) return failed(file, [{ rule: 'decodes', message: describeUnreadable(Buffer.alloc(0), 0) }], 0);

  let data: Buffer | undefined;
  try {
    // Small files are read once and checked from memory, so the bytes we check are the bytes we send.
    if (bytes <= IMAGE_RULES.maxBytes) data = await readFile(file);
  } catch (error) {
    return failed(file, [{ rule: 'readable', message: describeFsError(error) }], bytes);
  }
  const source = data ?? file;

  let metadata: Metadata;
  try {
    // Header only: the pixel limit is ours to apply (below), so sharp's must not hide the dimensions.
    metadata = await sharp(source, { limitInputPixels: false }).metadata();
  } catch {
    const head = await headOf(source).catch(() => Buffer.alloc(0));
    return failed(file, [{ rule: 'format', message: describeUnreadable(head, bytes) }], bytes);
  }

  // sharp says "heif" for both; they differ in what can decode them.
  const format = metadata.format === 'heif' ? (metadata.compression === 'av1' ? 'avif' : 'heic') : (metadata.format as string);
  const width = metadata.autoOrient?.width ?? metadata.width;
  const height = metadata.autoOrient?.height ?? metadata.height;
  const errors: RuleViolation[] = [];
  if (!(IMAGE_RULES.formats as readonly string[]).includes(format)) {
    errors.push({ rule: 'format', message: `the content is ${formatName(format)}; the API takes JPEG or PNG only` });
  }
  errors.push(...sizeViolations(bytes, width, height));

  const decodable = errors.every((error) => error.rule !== 'max-size');
  if (decodable && (format !== 'heic' || options.decodeHeic !== false)) {
    const decodeError = await decodeProblem(source, format);
    if (decodeError) errors.push({ rule: 'decodes', message: decodeError });
  }

  return {
    file,
    ok: errors.length === 0,
    format,
    width,
    height,
    bytes,
    errors,
    orientation: metadata.orientation ?? 1,
    hasMetadata: metadataKindsOf(metadata).length > 0,
    metadataKinds: metadataKindsOf(metadata),
    colourSpace: metadata.space ?? null,
    sixteenBit: metadata.depth === 'ushort',
    palette: metadata.isPalette === true,
    alpha: metadata.hasAlpha === true,
    pages: metadata.pages ?? 1,
    captureDate: captureDateOf(metadata),
    data: errors.length === 0 ? data : undefined,
  };
}

function metadataKindsOf(metadata: Metadata): string[] {
  const kinds: [string, unknown][] = [
    ['EXIF', metadata.exif],
    ['XMP', metadata.xmp],
    ['IPTC', metadata.iptc],
    ['comments', metadata.comments?.length],
  ];
  return kinds.filter(([, present]) => Boolean(present)).map(([kind]) => kind);
}

async function statProblem(file: string): Promise<{ size: number } | { violation: RuleViolation }> {
  try {
    const info = await stat(file);
    if (info.isDirectory()) return { violation: { rule: 'regular-file', message: 'is a directory, not an image file' } };
    if (!info.isFile()) {
      return { violation: { rule: 'regular-file', message: 'is not a regular file (a FIFO, socket or device); refusing to read it' } };
    }
    return { size: info.size };
  } catch (error) {
    return { violation: { rule: 'readable', message: describeFsError(error) } };
  }
}

/**
 * Decodes every pixel (a truncated or corrupt file fails here) while shrinking on load,
 * so a 4096 x 4096 photo costs a fraction of its full-size memory.
 */
async function decodeProblem(source: Buffer | string, format: string): Promise<string | null> {
  try {
    if (format === 'heic') {
      // The prebuilt libvips reads HEIF's AV1 flavour (AVIF) but not HEVC, which iPhones write.
      const { decodeHeic } = await import('./heic.js');
      await decodeHeic(typeof source === 'string' ? await readFile(source) : source);
    } else {
      await sharp(source, { failOn: 'error' }).resize(256, 256, { fit: 'inside' }).raw().toBuffer();
    }
    return null;
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return `the image data is truncated or corrupt (${reason})`;
  }
}

function failed(file: string, errors: RuleViolation[], bytes: number | null): ImageReport {
  return {
    file,
    ok: false,
    format: null,
    width: null,
    height: null,
    bytes,
    errors,
    orientation: 1,
    hasMetadata: false,
    metadataKinds: [],
    colourSpace: null,
    sixteenBit: false,
    palette: false,
    alpha: false,
    pages: 1,
    captureDate: null,
  };
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EISDIR':
      return 'is a directory, not an image file';
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    default:
      return error instanceof Error ? error.message : String(error);
  }
}

/** One line for people: `photo.jpg: ok (JPEG 1302x953, 187 KB)` or every broken rule. */
export function describeReport(report: ImageReport): string {
  if (report.ok) {
    return `ok (${formatName(report.format)} ${report.width}x${report.height}, ${humanBytes(report.bytes ?? 0)})`;
  }
  return report.errors.map((error) => `${error.rule}: ${error.message}`).join('; ');
}
