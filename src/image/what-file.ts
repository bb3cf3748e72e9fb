import { open } from 'node:fs/promises';

/** What the API takes, and what spark-style converts first (SVG only with --fix, which picks its size): said wherever a file is refused for its content. */
const ACCEPTED_FORMATS = 'the API takes JPEG or PNG, and spark-style converts WebP, HEIC, AVIF, GIF and TIFF (SVG with --fix)';

const SIGNATURES: { name: string; matches: (head: Buffer) => boolean }[] = [
  { name: 'JPEG', matches: (head) => head[0] === 0xff && head[1] === 0xd8 },
  { name: 'PNG', matches: (head) => head.toString('latin1', 1, 4) === 'PNG' },
  { name: 'WebP', matches: (head) => head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 12) === 'WEBP' },
  { name: 'GIF', matches: (head) => head.toString('latin1', 0, 3) === 'GIF' },
  { name: 'HEIC/AVIF', matches: (head) => head.toString('latin1', 4, 8) === 'ftyp' },
  { name: 'TIFF', matches: (head) => head.toString('latin1', 0, 4) === 'II*\0' || head.toString('latin1', 0, 4) === 'MM\0*' },
];

const OTHER_FILES: { name: string; matches: (head: Buffer) => boolean }[] = [
  { name: 'a PDF document', matches: (head) => head.toString('latin1', 0, 5) === '%PDF-' },
  { name: 'a ZIP archive (or a document stored as one)', matches: (head) => head.toString('latin1', 0, 4) === 'PK\x03\x04' },
  {
    name: 'a video (MP4/QuickTime)',
    matches: (head) => head.toString('latin1', 4, 8) === 'ftyp' && /^(isom|mp4|qt {2}|M4V)/.test(head.toString('latin1', 8, 12)),
  },
];

/**
 * For a file no image decoder could open: what it is, in words a person can act on
 * ("the file is text, not an image"), never the name of the library that gave up.
 */
export function describeUnreadable(head: Buffer, size: number): string {
  if (size === 0) return `the file is empty (0 bytes); ${ACCEPTED_FORMATS}`;
  const other = OTHER_FILES.find((kind) => kind.matches(head));
  if (other) return `the file is ${other.name}, not an image; ${ACCEPTED_FORMATS}`;
  const image = SIGNATURES.find((kind) => kind.matches(head));
  if (image) return `the file starts like a ${image.name} image but its header is broken or cut short`;
  if (looksLikeText(head)) return `the file is text, not an image; ${ACCEPTED_FORMATS}`;
  return `the content is not in any known image format; ${ACCEPTED_FORMATS}`;
}

function looksLikeText(head: Buffer): boolean {
  if (head.length === 0 || head.includes(0)) return false;
  const text = head.toString('utf8');
  // A cut in the middle of a character at the end of the sample is still text.
  const replaced = (text.match(/\uFFFD/g) ?? []).length;
  return replaced <= 1 && !/[\x01-\x08\x0e-\x1a\x1c-\x1f]/.test(text);
}

/** The first bytes of a file (or of bytes already read), enough for describeUnreadable. */
export async function headOf(source: Buffer | string, length = 512): Promise<Buffer> {
  if (typeof source !== 'string') return source.subarray(0, length);
  const handle = await open(source, 'r');
  try {
    const head = Buffer.alloc(length);
    const { bytesRead } = await handle.read(head, 0, length, 0);
    return head.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
