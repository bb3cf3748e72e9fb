/**
 * Text from elsewhere (server messages, task ids, file names) must not drive the terminal:
 * an escape sequence in a task's error message could retitle the window, clear the screen,
 * plant a hidden link or overwrite a line with a fake summary. These helpers remove what a
 * terminal would act on and leave what a person can read.
 */

/** Bidi embeddings, overrides and isolates, and the marks that can reorder a line (Trojan Source). */
const BIDI = '\\u061c\\u200e\\u200f\\u202a-\\u202e\\u2066-\\u2069';
/** C0 (but tab and newline), DEL, C1, bidi controls, and the Unicode line separators. */
const UNSAFE = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${BIDI}\\u2028\\u2029]`, 'g');
/** Anything a terminal acts on, newline and tab included: for text that must stay on one line. */
const UNSAFE_IN_LINE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${BIDI}\\u2028\\u2029]+`, 'g');

/**
 * Escape sequences as a whole, so that their parameters (a window title, a link target) go
 * with them: CSI, OSC/DCS/APC/PM/SOS strings up to their terminator, and two-byte escapes.
 * Both the 7-bit (ESC [) and the 8-bit (U+009B) introducers.
 */
const ESCAPE_SEQUENCE =
  /(?:\u001b\[|\u009b)[\u0020-\u003f]*[\u0040-\u007e]?|(?:\u001b[\]P^_X]|[\u0090\u009d\u009e\u009f\u0098])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u002f]*[\u0030-\u007e]?/g;
/** One pass over both, so that a kept colour sequence is not taken apart afterwards. */
const SEQUENCE_OR_UNSAFE = new RegExp(`${ESCAPE_SEQUENCE.source}|${UNSAFE.source}`, 'g');
/** Select Graphic Rendition (colour, bold, dim): the only sequence our own output uses. */
const SGR = /^\u001b\[[0-9;]*m$/;

/** Longest server message shown to a person; --json carries it whole (within the answer cap). */
const MAX_MESSAGE_CHARS = 500;

/**
 * A piece of foreign text ready to sit inside one line for a person: escape sequences and
 * control characters removed (newlines and tabs become spaces), bidi controls removed, and
 * cut to `maxChars` with a note of how much was left out.
 */
export function forDisplay(text: string, maxChars = MAX_MESSAGE_CHARS): string {
  const clean = text.replace(ESCAPE_SEQUENCE, '').replace(UNSAFE_IN_LINE, ' ');
  if (clean.length <= maxChars) return clean;
  return `${clean.slice(0, maxChars)}… (${clean.length - maxChars} more characters)`;
}

/**
 * The last line of defence in IO: a whole line as we are about to print it. Our own colour
 * (SGR) survives when `keepColour`; every other escape sequence goes, with its parameters;
 * newlines and tabs stay (our own multi-line messages), every other control character goes.
 */
export function sanitizeLine(line: string, keepColour: boolean): string {
  return line.replace(SEQUENCE_OR_UNSAFE, (match) => (keepColour && SGR.test(match) ? match : ''));
}

/**
 * A JSON line stays exact: JSON.stringify already escapes C0, and here C1, DEL, bidi controls
 * and line separators are escaped too (\u009b), so that the text is the same value once parsed
 * and nothing in it reaches the terminal raw.
 */
export function escapeJsonLine(line: string): string {
  return line.replace(UNSAFE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True for a line that is one JSON object or array (what --json prints). */
export function looksLikeJson(line: string): boolean {
  const first = line[0];
  if (first !== '{' && first !== '[') return false;
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
