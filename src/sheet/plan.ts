import { basename } from 'node:path';
import { aspectOf } from './compose.js';
import { checkSheetFits } from './fits.js';
import { sheetPhotoLabel } from './font/ascii-label.js';
import { layoutSheet } from './layout.js';

/**
 * The sheet a run will compose, laid out from its plan (the photos' headers only, no pixels)
 * and refused if it cannot be made: what `sheet` checks before paying, and in --dry-run.
 */
/** What the sheet needs of a planned item (runner/plan.ts PlannedItem has it): its style, and its photo when local. */
interface SheetPlanItem {
  readonly style: { readonly alias: string; readonly name: string };
  readonly source: { readonly kind: string; readonly path?: string };
}

export async function checkPlannedSheet(items: readonly SheetPlanItem[], options: { readonly width: number; readonly columns?: number }): Promise<void> {
  const photos: string[] = [];
  const styles: { alias: string; name: string }[] = [];
  for (const item of items) {
    if (!styles.some((style) => style.alias === item.style.alias)) styles.push({ alias: item.style.alias, name: item.style.name });
    if (item.source.kind === 'file' && item.source.path !== undefined && !photos.includes(item.source.path)) photos.push(item.source.path);
  }
  if (photos.length === 0) return; // no sheet at all: said after the run
  const layout = layoutSheet({
    width: options.width,
    aspect: await aspectOf(photos[0]!),
    photos: photos.map((path, index) => ({ label: sheetPhotoLabel(basename(path), index + 1) })),
    styles,
    columns: options.columns,
  });
  checkSheetFits(layout, 'before paying');
}
