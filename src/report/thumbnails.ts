import { imageWork, sharp } from '../image/sharp.js';

/** Small enough that a report of a thousand items stays a few megabytes; sharp enough to judge a style. */
const THUMB_WIDTH = 240;
const THUMB_HEIGHT = 240;
const THUMB_QUALITY = 62;

/** A small JPEG of the image as a data: URI, or null when the file is missing or does not decode. */
export async function thumbnailDataUri(file: string): Promise<string | null> {
  return imageWork(async () => {
    try {
      const jpeg = await sharp(file, { failOn: 'error', limitInputPixels: 268_402_689 })
        .rotate()
        .resize(THUMB_WIDTH, THUMB_HEIGHT, { fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: THUMB_QUALITY })
        .toBuffer();
      return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    } catch {
      return null;
    }
  });
}
