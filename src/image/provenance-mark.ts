/**
 * Whether a file is a result spark-style saved: its XMP names spark-style as the creator tool
 * and the IPTC digital source type `trainedAlgorithmicMedia` (see provenance.ts, which writes
 * them). Folder and pattern expansion asks this of every file, so it reads only the file's
 * head (and, for a WebP announcing XMP, its tail, where the XMP chunk sits): never the pixels.
 */
import type { FileHandle } from 'node:fs/promises';

const CREATOR = Buffer.from('xmp:CreatorTool="spark-style', 'latin1');
const SOURCE_TYPE = Buffer.from('Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"', 'latin1');

/** JPEG and PNG put our XMP before the image data: within the first bytes of any result. */
export const MARK_WINDOW = 64 * 1024;

/** Both parts of the mark are in these bytes (one XMP packet). */
function carriesSparkStyleMark(bytes: Buffer): boolean {
  const creator = bytes.indexOf(CREATOR);
  return creator !== -1 && bytes.indexOf(SOURCE_TYPE) !== -1;
}

/** A WebP with a VP8X header whose flags say it has XMP: the chunk is at the end of the file. */
function webpWithXmp(head: Buffer): boolean {
  return head.length >= 21 && head.toString('latin1', 0, 4) === 'RIFF' && head.toString('latin1', 8, 16) === 'WEBPVP8X' && (head[20]! & 0x04) !== 0;
}

/**
 * `head`: the file's first bytes, already read by the caller (up to MARK_WINDOW). `scratch`:
 * a buffer of MARK_WINDOW bytes to read a WebP's tail into, reused across files.
 */
export async function isSparkStyleResult(handle: FileHandle, head: Buffer, scratch: Buffer): Promise<boolean> {
  if (carriesSparkStyleMark(head)) return true;
  if (!webpWithXmp(head)) return false;
  const { size } = await handle.stat();
  if (size <= head.length) return false;
  const length = Math.min(scratch.length, size);
  const { bytesRead } = await handle.read(scratch, 0, length, size - length);
  return carriesSparkStyleMark(scratch.subarray(0, bytesRead));
}
