import { basename } from 'node:path';
import { findStyleByAlias } from '../catalog/styles.js';
import type { ItemOutcome } from './types.js';
import type { SheetCell, SheetPhoto } from '../sheet/compose.js';
import { sheetPhotoLabel } from '../sheet/font/ascii-label.js';

interface SheetGrid {
  readonly photos: SheetPhoto[];
  readonly styles: { alias: string; name: string }[];
  readonly cells: SheetCell[][];
  /** Inputs with no local file to show (URLs, unusable inputs). */
  readonly skipped: string[];
}

/** The finished run as rows (local photos, in input order) and columns (styles, in the order asked). */
export function sheetGrid(run: { readonly items: readonly ItemOutcome[] }): SheetGrid {
  const styles: SheetGrid['styles'] = [];
  const rows = new Map<string, { photo: SheetPhoto; cells: Map<string, SheetCell> }>();
  const skipped = new Set<string>();
  for (const item of run.items) {
    if (!styles.some((style) => style.alias === item.style)) styles.push({ alias: item.style, name: findStyleByAlias(item.style)?.name ?? item.style });
    if (item.source !== 'file') {
      skipped.add(item.input);
      continue;
    }
    let row = rows.get(item.input);
    if (!row) {
      // Rows are in first-seen order, so the row about to be added is number rows.size + 1.
      row = { photo: { original: item.input, label: sheetPhotoLabel(basename(item.input), rows.size + 1) }, cells: new Map() };
      rows.set(item.input, row);
    }
    row.cells.set(item.style, cellOf(item));
  }
  const ordered = [...rows.values()];
  return {
    photos: ordered.map((row) => row.photo),
    styles,
    cells: ordered.map((row) => styles.map((style) => row.cells.get(style.alias) ?? { missing: 'not run' })),
    skipped: [...skipped],
  };
}

function cellOf(result: ItemOutcome): SheetCell {
  if ((result.status === 'saved' || result.status === 'skipped') && result.output) return { file: result.output };
  return { missing: result.error ? `${result.status}: ${result.error.code}` : result.status };
}
