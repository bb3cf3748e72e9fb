import { imageWork, sharp } from '../image/sharp.js';
import { checkSheetFits } from './fits.js';
import { labelsSvg, SHEET_COLORS, type MissingTile } from './labels.js';
import { layoutSheet, type SheetLayout, type TileSlot } from './layout.js';
import { markAsSheet } from './marker.js';

export interface SheetPhoto {
  /** The original image file (shown first in its row or grid). */
  readonly original: string;
  /** How the photo is named on the sheet (its file name, usually). */
  readonly label: string;
}

interface SheetStyle {
  readonly alias: string;
  readonly name: string;
}

/** The result of one photo in one style: a saved file, or why there is none. */
export type SheetCell = { readonly file: string } | { readonly missing: string };

interface SheetRequest {
  readonly photos: readonly SheetPhoto[];
  readonly styles: readonly SheetStyle[];
  /** cells[photo][style], in the order of `photos` and `styles`. */
  readonly cells: readonly (readonly SheetCell[])[];
  /** Sheet width in pixels. */
  readonly width: number;
  /** Grid columns when there is one photo (default close to square). */
  readonly columns?: number;
  /** JPEG quality, 1-100. */
  readonly quality?: number;
}

interface ComposedSheet {
  readonly jpeg: Buffer;
  readonly layout: SheetLayout;
  /** Tiles drawn as "no result": a missing cell, or a file that would not decode. */
  readonly missing: number;
}

const DEFAULT_QUALITY = 82;

/**
 * Composes a contact sheet: every photo and its results, labelled, as one JPEG. Pure apart
 * from reading the image files: no runner, no network. Files that fail to decode become
 * "no result" tiles rather than failing the sheet.
 */
export async function composeSheet(request: SheetRequest): Promise<ComposedSheet> {
  if (request.cells.length !== request.photos.length || request.cells.some((row) => row.length !== request.styles.length)) {
    throw new Error('cells must hold one entry per photo and style');
  }
  const aspect = await aspectOf(request.photos[0]!.original);
  const layout = layoutSheet({ width: request.width, aspect, photos: request.photos, styles: request.styles, columns: request.columns });
  checkSheetFits(layout, 'after paying');
  const background = hexToRgb(SHEET_COLORS.background);

  const missing: MissingTile[] = [];
  const rendered = await Promise.all(
    layout.tiles.map((slot) =>
      imageWork(async () => {
        const source = sourceOf(request, slot);
        if ('missing' in source) {
          missing.push({ ...slot, reason: source.missing });
          return null;
        }
        try {
          const { data, info } = await sharp(source.file, { failOn: 'error' })
            .rotate()
            .resize(slot.width, slot.height, { fit: 'contain', background })
            .flatten({ background })
            .removeAlpha()
            .raw()
            .toBuffer({ resolveWithObject: true });
          return { input: data, raw: { width: info.width, height: info.height, channels: info.channels }, left: slot.x, top: slot.y };
        } catch {
          missing.push({ ...slot, reason: slot.style === null ? 'the original does not decode here' : 'the result file does not decode' });
          return null;
        }
      }),
    ),
  );
  const overlays = rendered.filter((tile) => tile !== null);
  const svg = labelsSvg(layout.width, layout.height, layout.labels, missing);
  const jpeg = await sharp({ create: { width: layout.width, height: layout.height, channels: 3, background } })
    .composite([...overlays, { input: Buffer.from(svg), left: 0, top: 0 }])
    .jpeg({ quality: request.quality ?? DEFAULT_QUALITY })
    .toBuffer();
  return { jpeg: markAsSheet(jpeg), layout, missing: missing.length };
}

function sourceOf(request: SheetRequest, slot: TileSlot): SheetCell {
  if (slot.style === null) return { file: request.photos[slot.photo]!.original };
  return request.cells[slot.photo]![slot.style]!;
}

/** The first photo's shape, as displayed (EXIF orientation applied); square if unreadable. */
export async function aspectOf(file: string): Promise<number> {
  try {
    const meta = await sharp(file).metadata();
    const turned = (meta.orientation ?? 1) >= 5;
    const width = turned ? meta.height : meta.width;
    const height = turned ? meta.width : meta.height;
    return width && height ? width / height : 1;
  } catch {
    return 1;
  }
}

function hexToRgb(hex: string): { r: number; g: number; b: number } {
  const value = Number.parseInt(hex.slice(1), 16);
  return { r: (value >> 16) & 255, g: (value >> 8) & 255, b: value & 255 };
}
