import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import { chineseInk, chineseRed, inkWash } from './looks/chinese.js';
import { anime, cyber, ghibli, koreanComic, marvel } from './looks/comic.js';
import { angel, dreamy, princess, realistic, romanticLight } from './looks/light.js';
import { monet, newMonet, watercolor } from './looks/paint.js';
import { decodeToRaw, encodeJpeg, type Raw } from './looks/pixels.js';
import { animationMovie, ceramic, clay, cuteDoll, doll, game3d } from './looks/toy.js';

/**
 * The emulator's stand-in for the real model: one recognisable look per style, made locally
 * with sharp from the input, at the input's size, as JPEG. These are IMITATIONS of what each
 * style name promises (ink washes, Monet's dabs, comic halftones, neon lines, clay...), cheap
 * enough for tests and offline demos (well under 300 ms for 2 MP on one core) and
 * deterministic (same input, same bytes). They are not the service's pictures and say nothing
 * about how the real styles look. Each look lives in a family module under ./looks/.
 */
type Look =
  | 'soft-anime'
  | 'film-grade'
  | 'angel-glow'
  | 'cel-anime'
  | 'princess-sparkle'
  | 'blue-line-haze'
  | 'ink-wash'
  | 'pastel-dots'
  | 'watercolor'
  | 'impressionist-dabs'
  | 'comic-halftone'
  | 'neon-edges'
  | 'webtoon'
  | 'ink-and-seal'
  | 'golden-bokeh'
  | 'porcelain-glaze'
  | 'red-duotone'
  | 'clay'
  | 'bubble-doll'
  | 'pixel-blocks'
  | 'animated-film'
  | 'vintage-doll';

const LOOKS: Readonly<Record<Look, (image: Raw) => Promise<Raw>>> = {
  'soft-anime': ghibli,
  'film-grade': realistic,
  'angel-glow': angel,
  'cel-anime': anime,
  'princess-sparkle': princess,
  'blue-line-haze': dreamy,
  'ink-wash': inkWash,
  'pastel-dots': newMonet,
  watercolor,
  'impressionist-dabs': monet,
  'comic-halftone': marvel,
  'neon-edges': cyber,
  webtoon: koreanComic,
  'ink-and-seal': chineseInk,
  'golden-bokeh': romanticLight,
  'porcelain-glaze': ceramic,
  'red-duotone': chineseRed,
  clay,
  'bubble-doll': cuteDoll,
  'pixel-blocks': game3d,
  'animated-film': animationMovie,
  'vintage-doll': doll,
};

/** Which look each catalog alias gets: one each. Keyed by alias, so the catalog stays the one table of styles. */
export const LOOK_OF_ALIAS: Readonly<Record<string, Look>> = {
  ghibli: 'soft-anime',
  realistic: 'film-grade',
  angel: 'angel-glow',
  anime: 'cel-anime',
  princess: 'princess-sparkle',
  dreamy: 'blue-line-haze',
  'ink-wash': 'ink-wash',
  'new-monet': 'pastel-dots',
  watercolor: 'watercolor',
  monet: 'impressionist-dabs',
  marvel: 'comic-halftone',
  cyber: 'neon-edges',
  'korean-comic': 'webtoon',
  'chinese-ink': 'ink-and-seal',
  'romantic-light': 'golden-bokeh',
  ceramic: 'porcelain-glaze',
  'chinese-red': 'red-duotone',
  clay: 'clay',
  'cute-doll': 'bubble-doll',
  '3d-game': 'pixel-blocks',
  'animation-movie': 'animated-film',
  doll: 'vintage-doll',
};

/** One look, drawn from the photo every time (deterministic: the same input gives the same bytes). */
export async function drawLook(input: Buffer, look: Look): Promise<Buffer> {
  return encodeJpeg(await LOOKS[look](await decodeToRaw(input)));
}

/**
 * Looks already drawn, by photo and look. A draw is deterministic, so the same photo in the same
 * style (a batch run again, a benchmark's repeated photos, a test suite's fixtures) is drawn
 * once per process. Bounded by the bytes it holds: 32 MB, a few hundred results.
 */
const drawn = new LRUCache<string, Buffer>({ maxSize: 32 * 1024 * 1024, sizeCalculation: (bytes) => Math.max(1, bytes.length) });

/** The result for a photo in a look, drawn once. Callers only read it (they hand out subarrays, never change bytes). */
export async function renderLook(input: Buffer, look: Look): Promise<Buffer> {
  // A name from outside this table (a caller's fallback) still gets a picture, the plainest one.
  const known: Look = Object.hasOwn(LOOKS, look) ? look : 'film-grade';
  const key = `${createHash('sha256').update(input).digest('hex')}/${known}`;
  const cached = drawn.get(key);
  if (cached) return cached;
  const bytes = await drawLook(input, known);
  drawn.set(key, bytes);
  return bytes;
}
