/**
 * The extensions a result can be saved with, and which one: always from the result's bytes,
 * never from anything the server says. "Is this item done?" looks for every one of them, so
 * an odd result (saved as .bin) is found too and never downloaded again.
 */
export const RESULT_EXTENSIONS = ['jpg', 'png', 'webp', 'gif', 'bin'] as const;
type ResultExtension = (typeof RESULT_EXTENSIONS)[number];

/** The longest of them, in bytes: what a name reserves for {ext} before the bytes are known. */
export const LONGEST_EXTENSION_BYTES = Math.max(...RESULT_EXTENSIONS.map((extension) => extension.length));

export function extensionOf(bytes: Buffer): ResultExtension {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 6 && bytes.toString('latin1', 0, 3) === 'GIF') return 'gif';
  return 'bin';
}
