import { transliterate } from './ascii-label.js';
import { DEJAVU_SANS } from './dejavu-sans.js';
import type { FaceData } from './font-data.js';

type FaceName = 'regular' | 'bold';

/** What a missing glyph is drawn as, when transliteration found no ASCII for it (photo names never get here: ascii-label.ts). */
const REPLACEMENT = '?';
const ELLIPSIS = '...';

function faceOf(name: FaceName): FaceData {
  return DEJAVU_SANS.faces[name];
}

/** Characters the bundled font can draw (é as e); the rest become "?" so that widths stay truthful. */
function drawable(text: string, face: FaceData): string[] {
  return Array.from(transliterate(text), (char) => (face.glyphs[char] ? char : REPLACEMENT));
}

/** The width in pixels of `text` at `size` px, kerning included. */
export function measureText(text: string, size: number, faceName: FaceName = 'regular'): number {
  const face = faceOf(faceName);
  const chars = drawable(text, face);
  let units = 0;
  chars.forEach((char, index) => {
    units += face.glyphs[char]!.advance;
    const next = chars[index + 1];
    if (next !== undefined) units += face.kerning[char + next] ?? 0;
  });
  return (units * size) / face.unitsPerEm;
}

/** `text` cut to fit `maxWidth`, ending in "..." when it had to be cut. */
export function fitText(text: string, size: number, maxWidth: number, faceName: FaceName = 'regular'): string {
  if (measureText(text, size, faceName) <= maxWidth) return text;
  const chars = Array.from(text);
  while (chars.length > 0 && measureText(chars.join('') + ELLIPSIS, size, faceName) > maxWidth) chars.pop();
  return chars.length === 0 ? '' : chars.join('').trimEnd() + ELLIPSIS;
}

interface TextOptions {
  readonly size: number;
  readonly face?: FaceName;
  readonly fill: string;
  /** Where x points: the start, the middle or the end of the text. */
  readonly anchor?: 'start' | 'middle' | 'end';
}

/**
 * One SVG <path> that draws `text` with its baseline at (x, y): the glyph outlines of the
 * bundled font, so the result is the same on a machine with no fonts installed at all.
 */
export function textPath(text: string, x: number, y: number, options: TextOptions): string {
  const face = faceOf(options.face ?? 'regular');
  const chars = drawable(text, face);
  const scale = options.size / face.unitsPerEm;
  const width = measureText(text, options.size, options.face);
  const left = options.anchor === 'middle' ? x - width / 2 : options.anchor === 'end' ? x - width : x;
  const parts: string[] = [];
  let pen = 0;
  chars.forEach((char, index) => {
    const glyph = face.glyphs[char]!;
    if (glyph.d) parts.push(`<path transform="translate(${round(pen)} 0)" d="${glyph.d}"/>`);
    pen += glyph.advance;
    const next = chars[index + 1];
    if (next !== undefined) pen += face.kerning[char + next] ?? 0;
  });
  if (parts.length === 0) return '';
  return `<g transform="translate(${round(left)} ${round(y)}) scale(${scale.toFixed(6)})" fill="${options.fill}">${parts.join('')}</g>`;
}

function round(value: number): string {
  return String(Math.round(value * 100) / 100);
}
