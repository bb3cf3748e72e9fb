/**
 * Removes personal metadata (EXIF with GPS, XMP, IPTC, comments) from a JPEG or PNG without
 * touching the compressed pixels, so a photo that is otherwise fine keeps its exact quality.
 * Returns null when it cannot do so losslessly; the caller then re-encodes instead.
 */
export function stripMetadata(bytes: Buffer, format: string): Buffer | null {
  if (format === 'jpeg') return stripJpeg(bytes);
  if (format === 'png') return stripPng(bytes);
  return null;
}

const APP1 = 0xe1; // EXIF, XMP
const APP2 = 0xe2; // ICC profile (kept), MPF (see below)
const APP12 = 0xec; // "Ducky" and other vendor notes
const APP13 = 0xed; // IPTC / Photoshop
const COM = 0xfe;
const SOS = 0xda;

function stripJpeg(bytes: Buffer): Buffer | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === SOS) {
      kept.push(bytes.subarray(offset));
      return Buffer.concat(kept);
    }
    const length = bytes.readUInt16BE(offset + 2);
    const end = offset + 2 + length;
    if (length < 2 || end > bytes.length) return null;
    const segment = bytes.subarray(offset, end);
    // Multi-picture files append more images (previews, depth maps) after the main one, each
    // with its own EXIF: not removable segment by segment, so leave those to a re-encode.
    if (marker === APP2 && segment.toString('latin1', 4, 8) === 'MPF\0') return null;
    if (marker !== APP1 && marker !== APP12 && marker !== APP13 && marker !== COM) kept.push(segment);
    offset = end;
  }
  return null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** Chunks that carry pixels or how to show them; everything else (text, eXIf, time) goes. */
const PNG_KEEP = new Set(['IHDR', 'PLTE', 'IDAT', 'IEND', 'tRNS', 'gAMA', 'cHRM', 'sRGB', 'iCCP', 'sBIT', 'pHYs', 'bKGD']);

function stripPng(bytes: Buffer): Buffer | null {
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  const kept: Buffer[] = [PNG_SIGNATURE];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    const end = offset + 12 + length;
    if (end > bytes.length) return null;
    if (PNG_KEEP.has(type)) kept.push(bytes.subarray(offset, end));
    offset = end;
    if (type === 'IEND') return Buffer.concat(kept);
  }
  return null;
}
