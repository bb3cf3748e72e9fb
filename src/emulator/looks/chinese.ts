import {
  atScale,
  edgeMap,
  gradientMap,
  grain,
  lineMask,
  liftToMean,
  luminance,
  mapPixels,
  multiplyMask,
  pipeGrey,
  toGrey,
  type Raw,
  type Rgb,
} from './pixels.js';

/** The Chinese family: ink on rice paper, ink with a little colour and a seal, red duotone. */

const RICE_PAPER: Rgb = [238, 230, 212];
const INK: Rgb = [24, 22, 26];

/** Grey washes in a few pooled tones of ink, dark brush strokes, rice paper grain. */
export async function inkWash(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const washGrey = luminance(await atScale(liftToMean(image, 170), 0.2, (pipeline) => pipeline.median(3).blur(1.5)));
  // Pool the tones into a few washes, softened so the boundaries look like wet ink.
  const pooled = Buffer.allocUnsafe(washGrey.length);
  for (let index = 0; index < pooled.length; index++) pooled[index] = Math.min(255, Math.round(washGrey[index]! / 64) * 72);
  const washes = await toGrey(pipeGrey(pooled, image).blur(2.5));
  const paperGrain = await grain(width, height, 7, 0.8);
  const strokes = lineMask(await edgeMap(image, 1.6, 1.4), 22, 14);
  const toned = gradientMap(washes, image, [INK, [92, 90, 92], [170, 166, 160], RICE_PAPER, RICE_PAPER]);
  const grained = mapPixels(toned, (r, g, b, pixel, out) => {
    const fibre = paperGrain[pixel]! * 0.07;
    out[0] = r + fibre;
    out[1] = g + fibre;
    out[2] = b + fibre;
  });
  return multiplyMask(grained, strokes, INK);
}

/** Pale colour washes over silk, fine ink lines, and a red seal in the lower right. */
export async function chineseInk(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const soft = await atScale(liftToMean(image, 150), 0.3, (pipeline) => pipeline.median(3).modulate({ saturation: 0.7 }));
  const paperGrain = await grain(width, height, 11, 1.5);
  const silk: Rgb = [232, 226, 200];
  const washed = mapPixels(soft, (r, g, b, pixel, out) => {
    // Light washes: the colour only tints the silk, darks stay as ink.
    const y = (r * 77 + g * 150 + b * 29) / 65280;
    const ink = y < 0.28 ? (0.28 - y) * 2.4 : 0;
    const fibre = paperGrain[pixel]! * 0.05;
    out[0] = silk[0] * (0.45 + 0.55 * (r / 255)) * (1 - ink) + fibre;
    out[1] = silk[1] * (0.45 + 0.55 * (g / 255)) * (1 - ink) + fibre;
    out[2] = silk[2] * (0.45 + 0.55 * (b / 255)) * (1 - ink) + fibre;
  });
  const lines = lineMask(await edgeMap(image, 1.0, 1.2), 26, 20);
  return stampSeal(multiplyMask(washed, lines, [40, 36, 34]));
}

/** The picture's light and shade in Chinese red and gold, like a paper cut on lacquer. */
export async function chineseRed(image: Raw): Promise<Raw> {
  const grey = luminance(await atScale(image, 0.5, (pipeline) => pipeline.normalise()));
  const stops: Rgb[] = [
    [70, 0, 8],
    [168, 12, 24],
    [214, 40, 34],
    [238, 168, 72],
    [255, 228, 170],
  ];
  return gradientMap(grey, image, stops);
}

/** A square red seal with a white mark, where a painter would press it. */
function stampSeal(image: Raw): Raw {
  const { width, height } = image;
  const size = Math.max(6, Math.round(Math.min(width, height) * 0.09));
  const left = width - size - Math.round(size * 0.5);
  const top = height - size - Math.round(size * 0.5);
  const data = Buffer.from(image.data);
  const border = Math.max(1, Math.round(size * 0.1));
  for (let y = top; y < top + size; y++) {
    for (let x = left; x < left + size; x++) {
      const u = x - left,
        v = y - top;
      // The carved mark: a frame and a cross, left white as in a relief seal.
      const inFrame = u >= border && v >= border && u < size - border && v < size - border;
      const inner = u >= 2 * border && v >= 2 * border && u < size - 2 * border && v < size - 2 * border;
      const mark = inFrame && (!inner || Math.abs(u - size / 2) < border / 2 + 0.5 || Math.abs(v - size / 2) < border / 2 + 0.5);
      const i = (y * width + x) * 3;
      const [r, g, b] = mark ? [240, 220, 205] : [178, 28, 30];
      data[i] = r;
      data[i + 1] = g;
      data[i + 2] = b;
    }
  }
  return { data, width, height };
}
