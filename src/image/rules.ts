/**
 * The provider's image requirements (spark_style_template.txt, "Image Requirements"),
 * read orientation-free as PROTOCOL.md says: "600 x 800" means short side >= 600 and
 * long side >= 800, whichever way the photo is held.
 */
export const IMAGE_RULES = {
  formats: ['jpeg', 'png'] as const,
  maxBytes: 5 * 1024 * 1024,
  minShortSide: 600,
  minLongSide: 800,
  maxSide: 4096,
} as const;

/** sharp's own default decode limit: --fix refuses bigger images rather than decode them. */
export const MAX_REPAIR_PIXELS = 268_402_689;

type RuleName =
  | 'readable' // the path exists and can be read
  | 'regular-file' // not a directory, FIFO or device
  | 'format' // JPEG or PNG, judged by content
  | 'max-bytes'
  | 'min-size'
  | 'max-size'
  | 'decodes'; // the whole image decodes without error

export interface RuleViolation {
  readonly rule: RuleName;
  readonly message: string;
}

const FORMAT_NAMES: Record<string, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  webp: 'WebP',
  gif: 'GIF',
  tiff: 'TIFF',
  heif: 'HEIF',
  heic: 'HEIC',
  avif: 'AVIF',
  svg: 'SVG',
  jp2: 'JPEG 2000',
  jxl: 'JPEG XL',
  vips: 'VIPS',
};

export function formatName(format: string | null): string {
  if (format === null) return 'unknown';
  return FORMAT_NAMES[format] ?? format.toUpperCase();
}

export function humanBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(2)} MB`;
}

/** The size and dimension rules, on numbers alone; decoding is checked separately. */
export function sizeViolations(bytes: number, width: number, height: number): RuleViolation[] {
  const violations: RuleViolation[] = [];
  if (bytes > IMAGE_RULES.maxBytes) {
    violations.push({
      rule: 'max-bytes',
      message: `${bytes} bytes (${humanBytes(bytes)}) is over the 5 MB limit of ${IMAGE_RULES.maxBytes} bytes`,
    });
  }
  const shortSide = Math.min(width, height);
  const longSide = Math.max(width, height);
  if (shortSide < IMAGE_RULES.minShortSide || longSide < IMAGE_RULES.minLongSide) {
    violations.push({
      rule: 'min-size',
      message: `${width}x${height} is too small: short side must be >= ${IMAGE_RULES.minShortSide} px and long side >= ${IMAGE_RULES.minLongSide} px`,
    });
  }
  if (longSide > IMAGE_RULES.maxSide) {
    violations.push({
      rule: 'max-size',
      message: `${width}x${height} is too large: neither side may exceed ${IMAGE_RULES.maxSide} px`,
    });
  }
  return violations;
}
