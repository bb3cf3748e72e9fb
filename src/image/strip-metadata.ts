import { JPEG_APP1, JPEG_APP2, jpegSegments, PNG_SIGNATURE, pngChunks, TooManySegmentsError } from './segments.js';

/**
 * Removes personal metadata (EXIF with GPS, XMP, IPTC, comments) from a JPEG or PNG without
 * touching the compressed pixels, so a photo that is otherwise fine keeps its exact quality.
 * Returns null when it cannot do so losslessly; the caller then re-encodes instead.
 */
export function stripMetadata(bytes: Buffer, format: string): Buffer | null {
  try {
    if (format === 'jpeg') return stripJpeg(bytes);
    if (format === 'png') return stripPng(bytes);
    return null;
  } catch (error) {
    if (error instanceof TooManySegmentsError) return null; // a file no camera writes: re-encoded instead
    throw error;
  }
}

const APP12 = 0xec; // "Ducky" and other vendor notes
const APP13 = 0xed; // IPTC / Photoshop
const COM = 0xfe;

function stripJpeg(bytes: Buffer): Buffer | null {
  const walked = jpegSegments(bytes);
  if (!walked) return null;
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  for (const segment of walked.segments) {
    // Multi-picture files append more images (previews, depth maps) after the main one, each
    // with its own EXIF: not removable segment by segment, so leave those to a re-encode.
    if (segment.marker === JPEG_APP2 && segment.bytes.toString('latin1', 4, 8) === 'MPF\0') return null;
    if (segment.marker !== JPEG_APP1 && segment.marker !== APP12 && segment.marker !== APP13 && segment.marker !== COM) kept.push(segment.bytes);
  }
  kept.push(walked.scan);
  return Buffer.concat(kept);
}

/** Chunks that carry pixels or how to show them; everything else (text, eXIf, time) goes. */
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'pHYs', 'bKGD']);

function stripPng(bytes: Buffer): Buffer | null {
  const chunks = pngChunks(bytes);
  if (!chunks) return null;
  return Buffer.concat([PNG_SIGNATURE, ...chunks.filter((chunk) => PNG_KEEP.has(chunk.type)).map((chunk) => chunk.bytes)]);
}
