/**
 * A contact sheet carries a JPEG comment saying so. It lets a later run replace its own
 * earlier sheet (which costs nothing to rebuild) while any other file at that name is kept.
 */
const MARK = Buffer.from('spark-style contact sheet', 'latin1');
const COM = 0xfe;

export function markAsSheet(jpeg: Buffer): Buffer {
  if (jpeg.length < 2 || jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error('not a JPEG');
  const header = Buffer.from([0xff, COM, 0, 0]);
  header.writeUInt16BE(MARK.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, MARK, jpeg.subarray(2)]);
}

/** The comment sits right after the start-of-image marker, so the first bytes tell. */
export function isMarkedSheet(bytes: Buffer): boolean {
  return (
    bytes.length > 6 + MARK.length &&
    bytes[0] === 0xff &&
    bytes[1] === 0xd8 &&
    bytes[2] === 0xff &&
    bytes[3] === COM &&
    bytes.subarray(6, 6 + MARK.length).equals(MARK)
  );
}
