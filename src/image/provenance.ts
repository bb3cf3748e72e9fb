import { xmpDateTime, type CaptureInfo } from './capture-info.js';
import { asciiEntry, buildExif, parseExif, shortEntry, shortValue, standardGps, TAG, type IfdEntry } from './exif.js';
import { JPEG_APP0, JPEG_APP1, jpegSegment, jpegSegments, PNG_SIGNATURE, pngChunk, pngChunks, webpChunks, webpFile, type RiffChunk } from './segments.js';

/**
 * What a result says about itself. IPTC's digital source type is
 * `trainedAlgorithmicMedia`: every pixel of a stylized photo is the model's output, redrawn
 * from the original; nothing of the original is pasted in, which is what
 * `compositeWithTrainedAlgorithmicMedia` (inpainting, outpainting, AI parts composited with
 * a capture) would claim.
 */
const DIGITAL_SOURCE_TYPE = 'http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia';

export interface Provenance {
  /** The original's capture date and GPS; null when it has none. */
  readonly capture: CaptureInfo | null;
  /** Copy the original's GPS block (--keep-gps: its standard tags at sane sizes); never anything else of its EXIF. */
  readonly keepGps: boolean;
  /** "spark-style 0.1.0". */
  readonly creatorTool: string;
  /** One line: the style, req_key/sub_req_key, the task id. */
  readonly description: string;
}

/**
 * The result with its provenance inserted at segment level (JPEG: APP1 EXIF and APP1 XMP;
 * PNG: eXIf and an iTXt XML:com.adobe.xmp chunk; WebP: EXIF and XMP chunks, announced in a
 * VP8X header): the compressed pixels are not touched, so
 * the image decodes to exactly what the service sent. The result's own EXIF and XMP are
 * replaced, except its Orientation, which says how its pixels are shown. Null for formats
 * this cannot do losslessly (GIF, anything malformed): the caller saves those as received.
 */
export function addProvenance(bytes: Buffer, provenance: Provenance): Buffer | null {
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return intoJpeg(bytes, provenance);
  if (bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return intoPng(bytes, provenance);
  if (bytes.toString('latin1', 0, 4) === 'RIFF') return intoWebp(bytes, provenance);
  return null;
}

const XMP_HEADER = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXTENSION_HEADER = 'http://ns.adobe.com/xmp/extension/\0';
const PNG_XMP_KEYWORD = 'XML:com.adobe.xmp';

function intoJpeg(bytes: Buffer, provenance: Provenance): Buffer | null {
  const walked = jpegSegments(bytes);
  if (!walked) return null;
  const isExif = (segment: Buffer) => segment.toString('latin1', 4, 10) === 'Exif\0\0';
  const isXmp = (segment: Buffer) =>
    segment.toString('latin1', 4, 4 + XMP_HEADER.length) === XMP_HEADER ||
    segment.toString('latin1', 4, 4 + XMP_EXTENSION_HEADER.length) === XMP_EXTENSION_HEADER;
  const theirExif = walked.segments.find((segment) => segment.marker === JPEG_APP1 && isExif(segment.bytes));
  const theirs = theirExif ? theirExif.bytes.subarray(4) : null;
  // Provenance without GPS rather than none at all when the EXIF cannot fit its segment.
  const exif = jpegSegment(JPEG_APP1, exifBlock(provenance, theirs)) ?? jpegSegment(JPEG_APP1, exifBlock({ ...provenance, keepGps: false }, theirs));
  const xmp = jpegSegment(JPEG_APP1, Buffer.concat([Buffer.from(XMP_HEADER, 'latin1'), Buffer.from(xmpPacket(provenance), 'utf8')]));
  if (!exif || !xmp) return null;
  const kept = walked.segments.filter((segment) => !(segment.marker === JPEG_APP1 && (isExif(segment.bytes) || isXmp(segment.bytes))));
  // JFIF's APP0 must stay first; ours follow it.
  const leading = kept.findIndex((segment) => segment.marker !== JPEG_APP0);
  const split = leading === -1 ? kept.length : leading;
  return Buffer.concat([
    bytes.subarray(0, 2),
    ...kept.slice(0, split).map((segment) => segment.bytes),
    exif,
    xmp,
    ...kept.slice(split).map((segment) => segment.bytes),
    walked.scan,
  ]);
}

function intoPng(bytes: Buffer, provenance: Provenance): Buffer | null {
  const chunks = pngChunks(bytes);
  if (!chunks) return null;
  const isXmp = (chunk: { type: string; data: Buffer }) =>
    (chunk.type === 'iTXt' || chunk.type === 'tEXt' || chunk.type === 'zTXt') &&
    chunk.data.toString('latin1', 0, PNG_XMP_KEYWORD.length + 1) === `${PNG_XMP_KEYWORD}\0`;
  const theirExif = chunks.find((chunk) => chunk.type === 'eXIf');
  const exif = pngChunk('eXIf', exifBlock(provenance, theirExif ? theirExif.data : null).subarray(6));
  const itxt = pngChunk(
    'iTXt',
    Buffer.concat([Buffer.from(`${PNG_XMP_KEYWORD}\0\0\0\0\0`, 'latin1'), Buffer.from(xmpPacket(provenance), 'utf8')]), // no compression, no language
  );
  const kept = chunks.filter((chunk) => chunk.type !== 'eXIf' && !isXmp(chunk));
  const firstData = kept.findIndex((chunk) => chunk.type === 'IDAT');
  if (firstData === -1) return null;
  return Buffer.concat([
    PNG_SIGNATURE,
    ...kept.slice(0, firstData).map((chunk) => chunk.bytes),
    exif,
    itxt,
    ...kept.slice(firstData).map((chunk) => chunk.bytes),
  ]);
}

const VP8X_ICC = 0x20;
const VP8X_ALPHA = 0x10;
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

function intoWebp(bytes: Buffer, provenance: Provenance): Buffer | null {
  const chunks = webpChunks(bytes);
  if (!chunks) return null;
  const theirExif = chunks.find((chunk) => chunk.fourcc === 'EXIF');
  const ours: RiffChunk[] = [
    { fourcc: 'EXIF', data: exifBlock(provenance, theirExif ? theirExif.data : null).subarray(6) },
    { fourcc: 'XMP ', data: Buffer.from(xmpPacket(provenance), 'utf8') },
  ];
  const kept = chunks.filter((chunk) => chunk.fourcc !== 'EXIF' && chunk.fourcc !== 'XMP ');
  const header = kept[0]?.fourcc === 'VP8X' ? Buffer.from(kept[0].data) : simpleWebpHeader(kept[0]);
  if (!header || header.length < 10) return null;
  header[0] = header[0]! | VP8X_EXIF | VP8X_XMP;
  if (kept.some((chunk) => chunk.fourcc === 'ICCP')) header[0] = header[0]! | VP8X_ICC;
  const body = kept[0]!.fourcc === 'VP8X' ? kept.slice(1) : kept;
  // EXIF and XMP come after the image data (WebP container spec).
  return webpFile([{ fourcc: 'VP8X', data: header }, ...body, ...ours]);
}

/** The VP8X payload a simple (VP8 or VP8L) WebP needs to carry metadata: flags and canvas size. */
function simpleWebpHeader(image: RiffChunk | undefined): Buffer | null {
  let width: number;
  let height: number;
  let alpha = false;
  if (image?.fourcc === 'VP8 ' && image.data.length >= 10 && image.data.readUIntBE(3, 3) === 0x9d012a) {
    width = image.data.readUInt16LE(6) & 0x3fff;
    height = image.data.readUInt16LE(8) & 0x3fff;
  } else if (image?.fourcc === 'VP8L' && image.data.length >= 5 && image.data[0] === 0x2f) {
    const bits = image.data.readUInt32LE(1);
    width = (bits & 0x3fff) + 1;
    height = ((bits >>> 14) & 0x3fff) + 1;
    alpha = ((bits >>> 28) & 1) === 1;
  } else {
    return null;
  }
  const header = Buffer.alloc(10);
  header[0] = alpha ? VP8X_ALPHA : 0;
  header.writeUIntLE(width - 1, 4, 3);
  header.writeUIntLE(height - 1, 7, 3);
  return header;
}

/** Our EXIF: the tool, the capture date, GPS only with --keep-gps, and the result's own orientation. */
function exifBlock(provenance: Provenance, theirs: Buffer | null): Buffer {
  const ifd0: IfdEntry[] = [asciiEntry(TAG.Software, provenance.creatorTool)];
  const orientation = theirs ? shortValue(parseExif(theirs)?.ifd0.get(TAG.Orientation)) : null;
  if (orientation !== null && orientation >= 1 && orientation <= 8) ifd0.push(shortEntry(TAG.Orientation, orientation));
  // ExifVersion is the one tag readers insist on in an Exif IFD ("0232": EXIF 2.32, which has OffsetTime*).
  const exif: IfdEntry[] = [{ tag: TAG.ExifVersion, type: 7, count: 4, value: Buffer.from('0232', 'latin1') }];
  const capture = provenance.capture;
  if (capture) {
    exif.push(asciiEntry(TAG.DateTimeOriginal, capture.dateTime), asciiEntry(TAG.CreateDate, capture.dateTime));
    if (capture.offset) exif.push(asciiEntry(TAG.OffsetTimeOriginal, capture.offset));
    if (capture.subSeconds) exif.push(asciiEntry(TAG.SubSecTimeOriginal, capture.subSeconds));
  }
  const gps = provenance.keepGps && capture ? standardGps(capture.gps) : [];
  return buildExif(ifd0, exif, gps);
}

function xmpPacket(provenance: Provenance): string {
  const capture = provenance.capture;
  const dates = capture
    ? `\n    exif:DateTimeOriginal="${xmpDateTime(capture)}"\n    photoshop:DateCreated="${xmpDateTime(capture)}"\n    xmp:CreateDate="${xmpDateTime(capture)}"`
    : '';
  return `<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xmp="http://ns.adobe.com/xap/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"
    xmlns:exif="http://ns.adobe.com/exif/1.0/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmp:CreatorTool="${escapeXml(provenance.creatorTool)}"
    Iptc4xmpExt:DigitalSourceType="${DIGITAL_SOURCE_TYPE}"${dates}>
   <dc:description>
    <rdf:Alt>
     <rdf:li xml:lang="x-default">${escapeXml(provenance.description)}</rdf:li>
    </rdf:Alt>
   </dc:description>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="w"?>`;
}

function escapeXml(text: string): string {
  return text
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
