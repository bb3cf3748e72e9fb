/**
 * Where everything on a contact sheet goes, as plain geometry (no images, no sharp), so the
 * arithmetic can be tested on its own.
 *
 * - One photo: a grid, the original first and then one tile per style, each tile an image
 *   with a label band beneath it (alias in bold, the style's name under it).
 * - Several photos: a table, one row per photo (the original first), one column per style,
 *   the style names as column headers and the photo's file name above its row; many styles
 *   wrap into bands (see tableLayout).
 */
export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface LabelBox extends Rect {
  /** Bold first line (an alias, a file name) and an optional second line (the style's name). */
  readonly title: string;
  readonly subtitle: string;
  readonly titleSize: number;
  readonly subtitleSize: number;
  readonly align: 'start' | 'middle';
}

/** One image slot: which photo, and which style (null for the original). */
export interface TileSlot extends Rect {
  readonly photo: number;
  readonly style: number | null;
}

export interface SheetLayout {
  readonly width: number;
  readonly height: number;
  readonly tiles: readonly TileSlot[];
  readonly labels: readonly LabelBox[];
}

interface LayoutRequest {
  readonly width: number;
  /** Width / height of the image slots (the first photo's, usually). */
  readonly aspect: number;
  readonly photos: readonly { readonly label: string }[];
  readonly styles: readonly { readonly alias: string; readonly name: string }[];
  /** Grid columns for a single photo; default close to square. */
  readonly columns?: number;
}

const MIN_ASPECT = 0.5;
const MAX_ASPECT = 2;

/** Columns for n tiles when nobody said: a grid as close to square as the count allows. */
export function defaultColumns(tiles: number): number {
  return Math.max(1, Math.ceil(Math.sqrt(tiles)));
}

export function layoutSheet(request: LayoutRequest): SheetLayout {
  if (request.photos.length === 0) throw new Error('a sheet needs at least one photo');
  const aspect = Math.min(MAX_ASPECT, Math.max(MIN_ASPECT, request.aspect || 1));
  return request.photos.length === 1 ? gridLayout(request, aspect) : tableLayout(request, aspect);
}

function spacing(width: number): number {
  return Math.max(4, Math.round(width * 0.01));
}

function textSizes(tileWidth: number): { title: number; subtitle: number } {
  const title = Math.max(10, Math.min(40, Math.round(tileWidth * 0.055)));
  return { title, subtitle: Math.max(9, Math.round(title * 0.8)) };
}

function gridLayout(request: LayoutRequest, aspect: number): SheetLayout {
  const count = 1 + request.styles.length;
  const columns = Math.min(count, Math.max(1, request.columns ?? defaultColumns(count)));
  const rows = Math.ceil(count / columns);
  const gap = spacing(request.width);
  const tileWidth = Math.max(1, Math.floor((request.width - 2 * gap - (columns - 1) * gap) / columns));
  const imageHeight = Math.max(1, Math.round(tileWidth / aspect));
  const sizes = textSizes(tileWidth);
  const bandHeight = Math.round(sizes.title * 1.35 + sizes.subtitle * 1.35 + gap * 0.6);
  const cellHeight = imageHeight + bandHeight;
  // Centre the grid when rounding left a few pixels over.
  const left = Math.floor((request.width - (columns * tileWidth + (columns - 1) * gap)) / 2);

  const tiles: TileSlot[] = [];
  const labels: LabelBox[] = [];
  for (let index = 0; index < count; index++) {
    const x = left + (index % columns) * (tileWidth + gap);
    const y = gap + Math.floor(index / columns) * (cellHeight + gap);
    const style = index === 0 ? null : index - 1;
    tiles.push({ x, y, width: tileWidth, height: imageHeight, photo: 0, style });
    const title = style === null ? 'original' : request.styles[style]!.alias;
    const subtitle = style === null ? request.photos[0]!.label : request.styles[style]!.name;
    labels.push({
      x,
      y: y + imageHeight,
      width: tileWidth,
      height: bandHeight,
      title,
      subtitle,
      titleSize: sizes.title,
      subtitleSize: sizes.subtitle,
      align: 'middle',
    });
  }
  return { width: request.width, height: 2 * gap + rows * cellHeight + (rows - 1) * gap, tiles, labels };
}

/**
 * Tiles narrower than this turn into thumbnails nobody can judge a style by, and their headers
 * get cut ("Influencer Anim..."): past it, the style columns wrap into bands.
 */
export const MIN_TABLE_TILE_WIDTH = 200;

/** The table's text: header sizes, and a caption naming each row, as large as the column headers, not larger. */
function tableText(tileWidth: number, gap: number) {
  const sizes = textSizes(tileWidth);
  const headerHeight = Math.round(sizes.title * 1.35 + sizes.subtitle * 1.35 + gap * 0.6);
  const rowSize = Math.max(12, Math.min(32, Math.round(sizes.title * 1.1)));
  return { sizes, headerHeight, rowSize, rowCaptionHeight: Math.round(rowSize * 1.6) };
}

/**
 * Several photos: one row per photo, one column per style. When the columns do not fit at
 * MIN_TABLE_TILE_WIDTH, the styles are split into bands of equal width, one under the other;
 * each band repeats the original column, its headers and the photos' captions, so that it
 * reads on its own.
 */
function tableLayout(request: LayoutRequest, aspect: number): SheetLayout {
  const gap = spacing(request.width);
  const inner = Math.max(2, Math.round(gap / 2));
  const fitting = Math.floor((request.width - 2 * gap + inner) / (MIN_TABLE_TILE_WIDTH + inner));
  const stylesPerBandAtMost = Math.max(1, fitting - 1);
  const styleCount = request.styles.length;
  const bandCount = Math.max(1, Math.ceil(styleCount / stylesPerBandAtMost));
  // Even bands (8, 7, 7 rather than 10, 10, 2): one tile size for the whole sheet, as wide as it can be.
  const stylesPerBand = Math.ceil(styleCount / bandCount);
  const columns = 1 + stylesPerBand;
  const tileWidth = Math.max(1, Math.floor((request.width - 2 * gap - (columns - 1) * inner) / columns));
  const imageHeight = Math.max(1, Math.round(tileWidth / aspect));
  const { sizes, headerHeight, rowSize, rowCaptionHeight } = tableText(tileWidth, gap);
  const left = Math.floor((request.width - (columns * tileWidth + (columns - 1) * inner)) / 2);
  const rowWidth = columns * tileWidth + (columns - 1) * inner;

  const tiles: TileSlot[] = [];
  const labels: LabelBox[] = [];
  let y = gap;
  for (let band = 0; band < bandCount; band++) {
    const bandStyles = Array.from({ length: Math.min(stylesPerBand, styleCount - band * stylesPerBand) }, (_, offset) => band * stylesPerBand + offset);
    const slots: (number | null)[] = [null, ...bandStyles];
    slots.forEach((style, column) => {
      labels.push({
        x: left + column * (tileWidth + inner),
        y,
        width: tileWidth,
        height: headerHeight,
        title: style === null ? 'original' : request.styles[style]!.alias,
        subtitle: style === null ? '' : request.styles[style]!.name,
        titleSize: sizes.title,
        subtitleSize: sizes.subtitle,
        align: 'middle',
      });
    });
    y += headerHeight;
    request.photos.forEach((photo, index) => {
      labels.push({
        x: left,
        y,
        width: rowWidth,
        height: rowCaptionHeight,
        title: photo.label,
        subtitle: '',
        titleSize: rowSize,
        subtitleSize: rowSize,
        align: 'start',
      });
      y += rowCaptionHeight;
      slots.forEach((style, column) => tiles.push({ x: left + column * (tileWidth + inner), y, width: tileWidth, height: imageHeight, photo: index, style }));
      y += imageHeight + inner;
    });
    // Bands stand apart by more than the rows inside them.
    if (band < bandCount - 1) y += 2 * gap;
  }
  return { width: request.width, height: y - inner + gap, tiles, labels };
}
