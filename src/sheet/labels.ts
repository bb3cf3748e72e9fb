import { fitText, textPath } from './font/text.js';
import type { LabelBox, Rect } from './layout.js';

export const SHEET_COLORS = {
  background: '#f3f2ee',
  title: '#1d1d1f',
  subtitle: '#55555a',
  missingTile: '#d7d5cf',
  missingText: '#8a1c1c',
} as const;

/** A tile with no picture: what to say instead. */
export interface MissingTile extends Rect {
  readonly reason: string;
}

/**
 * One SVG, the size of the sheet, holding every label and every "missing" tile. Text is drawn
 * as glyph outlines from the bundled font (see font/text.ts): no <text>, so no fontconfig, and
 * nothing from a file name or a server ever becomes SVG markup.
 */
export function labelsSvg(width: number, height: number, labels: readonly LabelBox[], missing: readonly MissingTile[]): string {
  const parts: string[] = [];
  for (const tile of missing) {
    parts.push(`<rect x="${tile.x}" y="${tile.y}" width="${tile.width}" height="${tile.height}" fill="${SHEET_COLORS.missingTile}"/>`);
    const size = Math.max(10, Math.round(tile.width * 0.06));
    const middle = tile.x + tile.width / 2;
    const centre = tile.y + tile.height / 2;
    parts.push(textPath('no result', middle, centre - size * 0.2, { size, face: 'bold', fill: SHEET_COLORS.missingText, anchor: 'middle' }));
    const reason = fitText(tile.reason, size * 0.8, tile.width * 0.9);
    parts.push(textPath(reason, middle, centre + size * 1.1, { size: size * 0.8, fill: SHEET_COLORS.missingText, anchor: 'middle' }));
  }
  for (const label of labels) parts.push(labelSvg(label));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">${parts.join('')}</svg>`;
}

function labelSvg(label: LabelBox): string {
  const padding = Math.max(2, Math.round(label.titleSize * 0.3));
  const maxWidth = label.width - 2 * padding;
  const x = label.align === 'middle' ? label.x + label.width / 2 : label.x + padding;
  const lines = label.subtitle ? 2 : 1;
  const textHeight = label.titleSize * 1.2 + (lines === 2 ? label.subtitleSize * 1.2 : 0);
  const top = label.y + Math.max(0, (label.height - textHeight) / 2);
  const titleBaseline = top + label.titleSize * 0.95;
  const parts = [
    textPath(fitText(label.title, label.titleSize, maxWidth, 'bold'), x, titleBaseline, {
      size: label.titleSize,
      face: 'bold',
      fill: SHEET_COLORS.title,
      anchor: label.align,
    }),
  ];
  if (label.subtitle) {
    const baseline = titleBaseline + label.subtitleSize * 1.25;
    parts.push(
      textPath(fitText(label.subtitle, label.subtitleSize, maxWidth), x, baseline, {
        size: label.subtitleSize,
        fill: SHEET_COLORS.subtitle,
        anchor: label.align,
      }),
    );
  }
  return parts.join('');
}
