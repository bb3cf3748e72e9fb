import { SparkError } from '../core/errors.js';
import { imageWork, sharp } from '../image/sharp.js';

/** The formats a result is saved as (naming/done.ts knows these extensions as "done"). */
const EXTENSION_OF_FORMAT: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp', gif: 'gif' };

/** A download that is not an image: an error page from a proxy or captive portal, say. */
export class NotAnImageError extends SparkError {
  override name = 'NotAnImageError';
  constructor(what: string) {
    super('protocol', `the result host answered ${what}, not an image`, {
      code: 'not-an-image',
      hint: 'the task stays collectable for 24 hours: run the same command again to download it (nothing is paid twice)',
    });
  }
}

/**
 * Whether bytes are a result worth saving: they must decode completely as a JPEG, PNG, WebP
 * or GIF. Returns the extension to save them with, or throws NotAnImageError naming what
 * they look like instead.
 */
export async function verifyImage(bytes: Buffer): Promise<string> {
  let format: string | undefined;
  try {
    const { format: found, width } = await sharp(bytes, { failOn: 'error' }).metadata();
    format = found;
    if (format && EXTENSION_OF_FORMAT[format]) await imageWork(() => decodeAll(bytes, width ?? 1));
  } catch {
    throw new NotAnImageError(describeBytes(bytes));
  }
  const extension = format ? EXTENSION_OF_FORMAT[format] : undefined;
  if (!extension) throw new NotAnImageError(format ? `image/${format}, which spark-style does not save` : describeBytes(bytes));
  return extension;
}

/**
 * Reads every byte of the picture's data, but never holds the picture: a full-size decode of
 * each download (a few MB of pixels apiece, several at once) was most of a batch's peak memory.
 * Streamed in strips (sequentialRead) and scaled down while decoding (a JPEG's DCT scaling,
 * WebP's own), it still entropy-decodes all of it, so a truncated or corrupt file fails here as
 * before. Queued with the other image work: one decode per core, not one per item in flight.
 */
async function decodeAll(bytes: Buffer, width: number): Promise<void> {
  await sharp(bytes, { failOn: 'error', sequentialRead: true })
    .resize({ width: Math.max(1, Math.ceil(width / 8)) })
    .raw()
    .toBuffer();
}

/** A name for what came back, for the one-line error: by content, as nothing the server says is trusted. */
export function describeBytes(bytes: Buffer): string {
  if (bytes.length === 0) return 'an empty body';
  const head = bytes.subarray(0, 1024).toString('utf8').trimStart().toLowerCase();
  if (head.startsWith('<!doctype html') || head.startsWith('<html') || /<(head|body|title)[\s>]/.test(head)) return 'text/html';
  if (head.startsWith('<?xml') || head.startsWith('<svg')) return 'XML';
  if (head.startsWith('{') || head.startsWith('[')) return 'JSON';
  const printable = [...bytes.subarray(0, 512)].filter((byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127)).length;
  if (printable >= Math.min(512, bytes.length) * 0.95) return 'text/plain';
  return `${bytes.length} bytes that do not decode as an image`;
}
