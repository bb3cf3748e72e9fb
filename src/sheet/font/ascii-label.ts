/**
 * The bundled font draws printable ASCII only (a CJK font would weigh megabytes), so names are
 * made drawable before they reach it: accents are dropped (é -> e), a few letters spelled out
 * (ß -> ss), and a name that still holds characters the font lacks is shown by its place
 * ("photo 2") with whatever ASCII it has. Never a row of question marks.
 */

/** Letters that do not decompose into an ASCII letter and a mark, and typographic punctuation. */
const SPELLED: Readonly<Record<string, string>> = {
  ß: 'ss', æ: 'ae', Æ: 'AE', œ: 'oe', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D', þ: 'th', Þ: 'Th', ð: 'd', Ð: 'D', ı: 'i',
  '\u2018': "'", '\u2019': "'", '\u201c': '"', '\u201d': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00a0': ' ', '\u3000': ' ',
};

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Whether the bundled font draws every character of `text`. */
export function isDrawable(text: string): boolean {
  return PRINTABLE_ASCII.test(text);
}

/** `text` with what has an obvious ASCII spelling spelled so; the rest left as it is. */
export function transliterate(text: string): string {
  return Array.from(text, (char) => {
    if (isDrawable(char)) return char;
    if (SPELLED[char] !== undefined) return SPELLED[char];
    // NFKD splits é into e + a combining accent, and full-width Ａ into A; keep it only when nothing else remains.
    const base = char.normalize('NFKD').replace(/[\u0300-\u036f]/g, '');
    return base !== '' && isDrawable(base) ? base : char;
  }).join('');
}

/**
 * How a photo is named on the sheet: its name when it can be drawn (after transliteration),
 * else "photo <n>" and the ASCII part of the name, e.g. "photo 2 (trip.jpg)" for "北京 trip.jpg".
 * `position` counts from 1, in the sheet's row order.
 */
export function sheetPhotoLabel(name: string, position: number): string {
  const plain = transliterate(name);
  if (isDrawable(plain)) return plain;
  const kept = plain
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/\s+(?=\.[^.]*$)/, '')
    .trim();
  // A stem left with no letter or digit ("_" of "夕焼け_東京") says nothing: keep the extension only.
  const extension = /\.[A-Za-z0-9]+$/.exec(kept)?.[0] ?? '';
  const stem = kept.slice(0, kept.length - extension.length).trim();
  const shown = /[A-Za-z0-9]/.test(stem) ? kept : extension;
  return shown === '' ? `photo ${position}` : `photo ${position} (${shown})`;
}
