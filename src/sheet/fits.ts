import { UsageError } from '../core/errors.js';
import type { SheetLayout } from './layout.js';

/** JPEG stores each side in 16 bits. */
const JPEG_MAX_SIDE = 65_535;
/**
 * Composing holds the sheet's canvas and every tile as raw RGB at once (about 6 bytes a pixel):
 * a 10000 x 20860 sheet took 2.0 GB. 64 megapixels keeps a sheet under half a gigabyte and is
 * more than any screen or print of a contact sheet needs.
 */
const MAX_SHEET_MEGAPIXELS = 64;

const HINT = 'use a smaller --width, more --columns, or fewer photos or styles per sheet (--shard splits the photos over several runs)';

/**
 * Refuses a sheet that cannot be made: too tall or wide for JPEG, or too large to compose in
 * bounded memory. Called while planning, before anything is sent (a sheet that fails after
 * paying fails again on every rerun), and again before composing.
 */
export function checkSheetFits(layout: Pick<SheetLayout, 'width' | 'height'>, when: 'before paying' | 'after paying'): void {
  const { width, height } = layout;
  const tail = when === 'before paying' ? '; nothing was sent' : '';
  if (width > JPEG_MAX_SIDE || height > JPEG_MAX_SIDE) {
    throw new UsageError(`the sheet would be ${width} x ${height} pixels; a JPEG holds at most ${JPEG_MAX_SIDE} on a side${tail}`, {
      code: 'sheet-too-large',
      hint: HINT,
    });
  }
  const megapixels = (width * height) / 1e6;
  if (megapixels > MAX_SHEET_MEGAPIXELS) {
    throw new UsageError(
      `the sheet would be ${width} x ${height} pixels (${Math.round(megapixels)} megapixels); a sheet holds at most ${MAX_SHEET_MEGAPIXELS} megapixels${tail}`,
      { code: 'sheet-too-large', hint: HINT },
    );
  }
}
