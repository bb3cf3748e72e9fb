import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { findStyleByAlias, STYLES } from '../../src/catalog/styles.js';
import { sheetGrid } from '../../src/engine/sheet-grid.js';
import type { FinishedRun } from '../../src/commands/stylize/after-run.js';
import type { ItemOutcome } from '../../src/engine/types.js';
import { summarize } from '../../src/engine/summary.js';
import { composeSheet, type SheetCell } from '../../src/sheet/compose.js';
import { isDrawable, sheetPhotoLabel } from '../../src/sheet/font/ascii-label.js';
import { measureText, fitText, textPath } from '../../src/sheet/font/text.js';
import { labelsSvg } from '../../src/sheet/labels.js';
import { defaultColumns, layoutSheet, MIN_TABLE_TILE_WIDTH, type Rect } from '../../src/sheet/layout.js';
import { isMarkedSheet } from '../../src/sheet/marker.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/** Pixels of a region, as grey levels. */
async function greys(jpeg: Buffer, rect: Rect): Promise<Uint8Array> {
  const { data } = await sharp(jpeg)
    .extract({ left: Math.round(rect.x), top: Math.round(rect.y), width: Math.round(rect.width), height: Math.round(rect.height) })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

const darkShare = (pixels: Uint8Array) => pixels.filter((value) => value < 110).length / pixels.length;

describe('sheet layout', () => {
  it('puts 23 tiles in a grid close to square, each with a label band under its image', () => {
    expect(defaultColumns(23)).toBe(5);
    const layout = layoutSheet({ width: 2400, aspect: 1302 / 953, photos: [{ label: 'bridge.jpg' }], styles: STYLES });
    expect(layout.tiles).toHaveLength(23);
    expect(layout.labels.map((label) => label.title)).toEqual(['original', ...STYLES.map((style) => style.alias)]);
    expect(layout.labels[1]!.subtitle).toBe('Influencer Anime Style');
    for (const [index, tile] of layout.tiles.entries()) {
      expect(tile.x + tile.width).toBeLessThanOrEqual(2400);
      expect(layout.labels[index]!.y).toBe(tile.y + tile.height);
    }
    const rows = new Set(layout.tiles.map((tile) => tile.y)).size;
    expect(rows).toBe(5);
    expect(
      layoutSheet({ width: 2400, aspect: 1, photos: [{ label: 'x' }], styles: STYLES, columns: 8 }).tiles.filter((tile) => tile.y === layout.tiles[0]!.y),
    ).toHaveLength(8);
  });

  it('makes one row per photo and one column per style, with the styles as column headers', () => {
    const styles = STYLES.slice(0, 3);
    const layout = layoutSheet({ width: 1200, aspect: 4 / 3, photos: [{ label: 'a.jpg' }, { label: 'b.jpg' }], styles });
    expect(layout.tiles).toHaveLength(2 * 4);
    expect(layout.labels.slice(0, 4).map((label) => label.title)).toEqual(['original', ...styles.map((style) => style.alias)]);
    expect(layout.labels.slice(4).map((label) => label.title)).toEqual(['a.jpg', 'b.jpg']);
    const rowTops = [...new Set(layout.tiles.map((tile) => tile.y))];
    expect(rowTops).toHaveLength(2);
    expect(layout.tiles.filter((tile) => tile.y === rowTops[1]).map((tile) => tile.style)).toEqual([null, 0, 1, 2]);
    expect(Math.max(...layout.tiles.map((tile) => tile.y + tile.height))).toBeLessThan(layout.height);
  });

  it('several photos in every style: the styles wrap into bands of tiles at least 200 px wide, each band with its headers', () => {
    const photos = [{ label: 'a.jpg' }, { label: 'b.jpg' }];
    const layout = layoutSheet({ width: 2400, aspect: 1302 / 953, photos, styles: STYLES });
    expect(Math.min(...layout.tiles.map((tile) => tile.width))).toBeGreaterThanOrEqual(MIN_TABLE_TILE_WIDTH);
    for (const tile of layout.tiles) expect(tile.x + tile.width).toBeLessThanOrEqual(2400);
    const headers = layout.labels.filter((label) => label.title === 'original' || STYLES.some((style) => style.alias === label.title));
    const bands = headers.filter((label) => label.title === 'original');
    expect(bands.length).toBeGreaterThan(1);
    // Every style has exactly one header; every band starts with the original, and shows each photo once.
    expect(headers.filter((label) => label.title !== 'original').map((label) => label.title)).toEqual(STYLES.map((style) => style.alias));
    expect(layout.tiles.filter((tile) => tile.style !== null)).toHaveLength(2 * STYLES.length);
    expect(layout.tiles.filter((tile) => tile.style === null)).toHaveLength(2 * bands.length);
    expect(layout.labels.filter((label) => label.title === 'a.jpg')).toHaveLength(bands.length);
    // Each header sits above the tiles of its column, and the full style name fits in it.
    for (const header of headers.filter((label) => label.title !== 'original')) {
      const style = STYLES.findIndex((entry) => entry.alias === header.title);
      const column = layout.tiles.filter((tile) => tile.style === style);
      expect(column.every((tile) => tile.x === header.x && tile.y > header.y)).toBe(true);
      expect(measureText(header.subtitle, header.subtitleSize)).toBeLessThanOrEqual(header.width - 2 * Math.max(2, Math.round(header.titleSize * 0.3)));
    }
    // Row captions are no bigger than the column headers.
    const caption = layout.labels.find((label) => label.title === 'a.jpg')!;
    expect(caption.titleSize).toBeLessThanOrEqual(Math.round(headers[0]!.titleSize * 1.1));
    expect(layout.height).toBeGreaterThan(layout.width / 2);
    // Few styles still make one band, as before.
    expect(layoutSheet({ width: 2400, aspect: 1, photos, styles: STYLES.slice(0, 5) }).labels.filter((label) => label.title === 'original')).toHaveLength(1);
  });
});

describe('bundled font', () => {
  it('measures with kerning, cuts long text with an ellipsis, and draws outlines, never <text>', () => {
    expect(measureText('AV', 100, 'regular')).toBeLessThan(measureText('A', 100) + measureText('V', 100));
    expect(measureText('Wide', 20, 'bold')).toBeGreaterThan(measureText('Wide', 20, 'regular'));
    const cut = fitText('Exquisite Korean Comic', 20, 100);
    expect(cut.endsWith('...')).toBe(true);
    expect(measureText(cut, 20)).toBeLessThanOrEqual(100);
    const svg = textPath('<script>"&é', 0, 10, { size: 12, fill: '#000' });
    expect(svg).not.toMatch(/script|<text|&|é/);
    expect(svg).toMatch(/<path /);
    expect(labelsSvg(10, 10, [], [])).not.toContain('<text');
  });
});

describe('photo names the ASCII font cannot draw', () => {
  it('are shown by their place and their ASCII part, accents dropped, never as question marks', () => {
    expect(sheetPhotoLabel('bridge.jpg', 1)).toBe('bridge.jpg');
    expect(sheetPhotoLabel('café Straße.jpg', 1)).toBe('cafe Strasse.jpg');
    expect(sheetPhotoLabel('北京.jpg', 2)).toBe('photo 2 (.jpg)');
    expect(sheetPhotoLabel('北京 trip 2024.jpg', 3)).toBe('photo 3 (trip 2024.jpg)');
    expect(sheetPhotoLabel('夕焼け_東京.heic', 4)).toBe('photo 4 (.heic)');
    expect(sheetPhotoLabel('写真', 5)).toBe('photo 5');
    for (const name of ['北京.jpg', 'Фото.png', 'صورة.jpg', '🌅.jpg', 'ｆｕｌｌ.jpg']) {
      const label = sheetPhotoLabel(name, 1);
      expect(isDrawable(label)).toBe(true);
      expect(label).not.toContain('?');
    }
    // Drawing goes through the same spelling: "café" is drawn as "cafe", not "caf?".
    expect(textPath('café', 0, 10, { size: 12, fill: '#000' })).toBe(textPath('cafe', 0, 10, { size: 12, fill: '#000' }));
  });
});

describe('composeSheet', () => {
  async function results(dir: string): Promise<{ photo: string; cells: SheetCell[] }> {
    const photo = join(dir, 'photo.jpg');
    writeFileSync(photo, await makeImage(1200, 900));
    const portrait = join(dir, 'photo.anime.jpg');
    writeFileSync(portrait, await makeImage(600, 900));
    const withAlpha = join(dir, 'photo.ghibli.png');
    writeFileSync(
      withAlpha,
      await sharp({ create: { width: 800, height: 600, channels: 4, background: { r: 20, g: 120, b: 200, alpha: 0.3 } } })
        .png()
        .toBuffer(),
    );
    const broken = join(dir, 'photo.marvel.jpg');
    writeFileSync(broken, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 1, 2, 3]));
    return { photo, cells: [{ file: withAlpha }, { file: portrait }, { file: broken }, { missing: '003008096 task failed' }] };
  }

  it('draws every tile and label; a broken or missing result becomes a "no result" tile', async () => {
    const dir = tempDir();
    const { photo, cells } = await results(dir);
    const styles = ['ghibli', 'anime', 'marvel', 'cyber'].map((alias) => STYLES.find((style) => style.alias === alias)!);
    const sheet = await composeSheet({ photos: [{ original: photo, label: 'photo.jpg' }], styles, cells: [cells], width: 900 });
    const meta = await sharp(sheet.jpeg).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 900, height: sheet.layout.height });
    expect(isMarkedSheet(sheet.jpeg)).toBe(true);
    expect(sheet.missing).toBe(2);
    // Each label band holds text: a share of dark pixels on the light band, and light ones too.
    for (const label of sheet.layout.labels) {
      const pixels = await greys(sheet.jpeg, label);
      expect(darkShare(pixels)).toBeGreaterThan(0.01);
      expect(pixels.filter((value) => value > 200).length / pixels.length).toBeGreaterThan(0.5);
    }
    // The original's tile shows the photo (its red circle), not the background.
    const original = await sharp(sheet.jpeg)
      .extract({ left: sheet.layout.tiles[0]!.x, top: sheet.layout.tiles[0]!.y, width: sheet.layout.tiles[0]!.width, height: sheet.layout.tiles[0]!.height })
      .stats();
    expect(original.channels[0]!.stdev).toBeGreaterThan(20);
    // The missing tiles are grey boxes with dark red text in them.
    for (const index of [3, 4]) {
      const pixels = await greys(sheet.jpeg, sheet.layout.tiles[index]!);
      expect(darkShare(pixels)).toBeGreaterThan(0.005);
    }
  });

  it('composes several photos as a table, and labels do not depend on the text in them', async () => {
    const dir = tempDir();
    const { photo, cells } = await results(dir);
    const other = join(dir, 'other.png');
    writeFileSync(other, await makeImage(900, 1200, 'png'));
    const styles = STYLES.slice(0, 4);
    const sheet = await composeSheet({
      photos: [
        { original: photo, label: 'photo.jpg' },
        { original: other, label: 'a name with ünicode & <markup>.png' },
      ],
      styles,
      cells: [cells, cells],
      width: 1100,
    });
    expect(sheet.layout.tiles).toHaveLength(10);
    expect(sheet.missing).toBe(4);
    for (const label of sheet.layout.labels) expect(darkShare(await greys(sheet.jpeg, label))).toBeGreaterThan(0.005);
  });

  it('keeps a 23-tile sheet at 2400 px well under 8 MB', async () => {
    const dir = tempDir();
    const photo = join(dir, 'photo.jpg');
    writeFileSync(photo, await makeImage(1600, 1200, 'jpeg', { noise: true }));
    const cells = STYLES.map(() => ({ file: photo }));
    const started = Date.now();
    const sheet = await composeSheet({ photos: [{ original: photo, label: 'photo.jpg' }], styles: STYLES, cells: [cells], width: 2400 });
    const elapsed = Date.now() - started;
    expect(sheet.jpeg.length).toBeLessThan(8 * 1024 * 1024);
    expect((await sharp(sheet.jpeg).metadata()).width).toBe(2400);
    console.log(`23 tiles at 2400 px from noisy 1600x1200 JPEGs: ${(sheet.jpeg.length / 1e6).toFixed(2)} MB in ${elapsed} ms`);
  });
});

describe('sheetGrid', () => {
  it('turns a finished run into rows of local photos and columns of styles, with a reason for every gap', () => {
    const [ghibli, clay] = [findStyleByAlias('ghibli')!, findStyleByAlias('clay')!];
    const base = { source: 'file' as const, output: null, task_id: null, cost: null, error: null, errorKind: null, created: false, notes: [] };
    const results: ItemOutcome[] = [
      { ...base, input: '/p/a.jpg', style: 'ghibli', status: 'saved', output: '/p/a.ghibli.jpg' },
      { ...base, input: '/p/a.jpg', style: 'clay', status: 'skipped', output: '/p/a.clay.png' },
      { ...base, input: '/p/b.png', style: 'ghibli', status: 'failed', error: { code: '003008096', message: 'x' }, errorKind: 'task-failed' },
      { ...base, input: '/p/b.png', style: 'clay', status: 'cancelled' },
      { ...base, source: 'url', input: 'https://example.com/c.jpg', style: 'ghibli', status: 'saved', output: 'c.ghibli.jpg' },
    ];
    const run: FinishedRun = { items: results, summary: summarize(results, 1), interrupted: false, offline: true, secrets: [] };
    expect(sheetGrid(run)).toEqual({
      photos: [
        { original: '/p/a.jpg', label: 'a.jpg' },
        { original: '/p/b.png', label: 'b.png' },
      ],
      styles: [
        { alias: 'ghibli', name: ghibli.name },
        { alias: 'clay', name: clay.name },
      ],
      cells: [
        [{ file: '/p/a.ghibli.jpg' }, { file: '/p/a.clay.png' }],
        [{ missing: 'failed: 003008096' }, { missing: 'cancelled' }],
      ],
      skipped: ['https://example.com/c.jpg'],
    });
  });
});
