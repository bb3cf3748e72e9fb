import { sharp, type Sharp } from '../../image/sharp.js';

/**
 * The small pixel toolkit every look is built from. Images travel between steps as raw
 * 8-bit RGB; sharp does the neighbourhood work (blur, median, resize), plain loops do the
 * per-pixel arithmetic, whose order sharp would otherwise choose for us. Everything here is
 * deterministic: the same input gives the same bytes (noise is a hash of the position).
 */
export interface Raw {
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
}

/** A one-channel image (brightness, a mask, an edge map), same size as its Raw. */
export type Grey = Buffer;

export type Rgb = readonly [number, number, number];

const rawOptions = (image: { width: number; height: number }, channels: 1 | 3 = 3) => ({
  raw: { width: image.width, height: image.height, channels },
});

export async function decodeToRaw(input: Buffer): Promise<Raw> {
  const { data, info } = await sharp(input).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** sharp on a Raw, for its neighbourhood operations. */
export function pipe(image: Raw): Sharp {
  return sharp(image.data, rawOptions(image));
}

export function pipeGrey(grey: Grey, size: { width: number; height: number }): Sharp {
  return sharp(grey, rawOptions(size, 1));
}

/** The result of a pipeline that started from a Raw (so is already 3-channel sRGB). */
export async function toRaw(pipeline: Sharp): Promise<Raw> {
  const { data, info } = await pipeline.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** One channel out. Without the explicit b-w, sharp hands back a grey input as three channels. */
export async function toGrey(pipeline: Sharp): Promise<Grey> {
  return pipeline.toColourspace('b-w').raw().toBuffer();
}

export function encodeJpeg(image: Raw): Promise<Buffer> {
  return pipe(image).jpeg({ quality: 88 }).toBuffer();
}

function withData(image: Raw, data: Buffer): Raw {
  return { data, width: image.width, height: image.height };
}

/**
 * Heavy smoothing is done on a smaller copy and scaled back: the shapes come out soft and
 * rounded (what the toy and cartoon looks want), and a 2 MP image stays fast.
 */
export async function atScale(image: Raw, factor: number, work: (pipeline: Sharp) => Sharp): Promise<Raw> {
  const width = Math.max(8, Math.round(image.width * factor));
  const height = Math.max(8, Math.round(image.height * factor));
  const small = await toRaw(work(pipe(image).resize(width, height, { fit: 'fill' })));
  // Bilinear is enough (the small copy is smooth already) and cheaper at full size than cubic.
  return toRaw(pipe(small).resize(image.width, image.height, { fit: 'fill', kernel: 'linear' }));
}

/** Rec. 601 brightness, 0..255. */
export function luminance(image: Raw): Grey {
  const out = Buffer.allocUnsafe(image.width * image.height);
  const data = image.data;
  for (let pixel = 0, index = 0; pixel < out.length; pixel++, index += 3) {
    out[pixel] = (data[index]! * 77 + data[index + 1]! * 150 + data[index + 2]! * 29) >> 8;
  }
  return out;
}

/** Sobel gradient magnitude of a grey image, 0..255 (scaled by `gain`). */
export function edges(grey: Grey, width: number, height: number, gain = 1): Grey {
  const out = Buffer.alloc(width * height);
  for (let y = 1; y < height - 1; y++) {
    const row = y * width;
    for (let x = 1; x < width - 1; x++) {
      const i = row + x;
      const a = grey[i - width - 1]!,
        b = grey[i - width]!,
        c = grey[i - width + 1]!;
      const d = grey[i - 1]!,
        f = grey[i + 1]!;
      const g = grey[i + width - 1]!,
        h = grey[i + width]!,
        k = grey[i + width + 1]!;
      const gx = c + 2 * f + k - a - 2 * d - g;
      const gy = g + 2 * h + k - a - 2 * b - c;
      const magnitude = (Math.abs(gx) + Math.abs(gy)) * 0.25 * gain;
      out[i] = Math.min(magnitude, 255);
    }
  }
  return out;
}

/** Edge strength of a colour image after a blur that keeps only the outlines worth drawing. */
export async function edgeMap(image: Raw, blurSigma: number, gain = 1): Promise<Grey> {
  // Blurring one grey channel rather than three colour ones: a third of the work.
  const grey = await toGrey(pipeGrey(luminance(image), image).blur(blurSigma));
  return edges(grey, image.width, image.height, gain);
}

/** Ink lines: 0 where an edge is stronger than `threshold`, fading to 255 below it. */
export function lineMask(edgeStrength: Grey, threshold: number, softness = 8): Grey {
  const out = Buffer.allocUnsafe(edgeStrength.length);
  for (let index = 0; index < out.length; index++) {
    const t = (edgeStrength[index]! - threshold) / softness;
    out[index] = t >= 1 ? 0 : t <= 0 ? 255 : 255 * (1 - t);
  }
  return out;
}

/** A position hash in 0..1: texture and jitter that are the same on every run. */
export function hash(x: number, y: number, seed = 0): number {
  let h = Math.imul(x | 0, 374761393) + Math.imul(y | 0, 668265263) + Math.imul(seed, 2147483647);
  h = Math.imul(h ^ (h >>> 13), 1274126177);
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

const GRAIN_TILE = 256;
const grainTiles = new Map<string, Int8Array>();

/**
 * Paper grain: smooth noise, centred on 0, about -128..127. A 256 px tile made once per seed
 * and softness and repeated: hashing every pixel of a large photo would cost more than the look.
 */
export async function grain(width: number, height: number, seed: number, sigma = 1.2): Promise<Int8Array> {
  const key = `${seed}:${sigma}`;
  let tile = grainTiles.get(key);
  if (!tile) {
    const size = { width: GRAIN_TILE, height: GRAIN_TILE };
    const noise = Buffer.allocUnsafe(GRAIN_TILE * GRAIN_TILE);
    for (let y = 0, index = 0; y < GRAIN_TILE; y++) for (let x = 0; x < GRAIN_TILE; x++) noise[index++] = hash(x, y, seed) * 255;
    const soft = await toGrey(pipeGrey(noise, size).blur(sigma).normalise());
    tile = new Int8Array(soft.length);
    for (let index = 0; index < tile.length; index++) tile[index] = soft[index]! - 128;
    grainTiles.set(key, tile);
  }
  const out = new Int8Array(width * height);
  for (let y = 0; y < height; y++) {
    const row = (y & (GRAIN_TILE - 1)) * GRAIN_TILE;
    for (let x = 0, index = y * width; x < width; x++, index++) out[index] = tile[row + (x & (GRAIN_TILE - 1))]!;
  }
  return out;
}

/**
 * Lifts a dark picture (a night shot) until its mean brightness reaches `target`, with one
 * gamma curve; bright pictures are left alone. The paper looks need light to show paper.
 */
export function liftToMean(image: Raw, target: number): Raw {
  const data = image.data;
  let sum = 0;
  let count = 0;
  for (let index = 0; index < data.length; index += 3 * 7, count++) sum += (data[index]! * 77 + data[index + 1]! * 150 + data[index + 2]! * 29) >> 8;
  const mean = Math.max(1, sum / Math.max(1, count));
  if (mean >= target) return image;
  const gamma = Math.max(0.4, Math.log(target / 255) / Math.log(mean / 255));
  const table = Buffer.allocUnsafe(256);
  for (let level = 0; level < 256; level++) table[level] = Math.round(255 * (level / 255) ** gamma);
  const out = Buffer.allocUnsafe(data.length);
  for (let index = 0; index < data.length; index++) out[index] = table[data[index]!]!;
  return withData(image, out);
}

export const clamp = (value: number): number => (value < 0 ? 0 : Math.min(value, 255));

/** Runs `colour` on every pixel; it writes the result into `out` (r, g, b). */
export function mapPixels(image: Raw, colour: (r: number, g: number, b: number, pixel: number, out: number[]) => void): Raw {
  const data = image.data;
  const result = Buffer.allocUnsafe(data.length);
  const out = [0, 0, 0];
  for (let pixel = 0, index = 0; index < data.length; pixel++, index += 3) {
    colour(data[index]!, data[index + 1]!, data[index + 2]!, pixel, out);
    result[index] = clamp(out[0]!);
    result[index + 1] = clamp(out[1]!);
    result[index + 2] = clamp(out[2]!);
  }
  return withData(image, result);
}

/** Multiplies a colour image by a grey mask (255 keeps, 0 blackens), e.g. to draw lines. */
export function multiplyMask(image: Raw, mask: Grey, ink: Rgb = [0, 0, 0]): Raw {
  const data = image.data;
  const out = Buffer.allocUnsafe(data.length);
  const [inkR, inkG, inkB] = ink;
  for (let pixel = 0, index = 0; pixel < mask.length; pixel++, index += 3) {
    const keep = mask[pixel]! / 255;
    out[index] = inkR + (data[index]! - inkR) * keep;
    out[index + 1] = inkG + (data[index + 1]! - inkG) * keep;
    out[index + 2] = inkB + (data[index + 2]! - inkB) * keep;
  }
  return withData(image, out);
}

/** Screen blend of `light` over `base` by `amount`: brightens, never darkens. */
export function screen(base: Raw, light: Raw, amount: number): Raw {
  const top = light.data;
  return mapPixels(base, (r, g, b, pixel, out) => {
    const i = pixel * 3;
    out[0] = r + (255 - ((255 - r) * (255 - top[i]!)) / 255 - r) * amount;
    out[1] = g + (255 - ((255 - g) * (255 - top[i + 1]!)) / 255 - g) * amount;
    out[2] = b + (255 - ((255 - b) * (255 - top[i + 2]!)) / 255 - b) * amount;
  });
}

/** Brightness through a gradient of colours (stops evenly spaced from dark to light). */
export function gradientMap(grey: Grey, size: { width: number; height: number }, stops: readonly Rgb[]): Raw {
  const table = Buffer.allocUnsafe(256 * 3);
  for (let level = 0; level < 256; level++) {
    const position = (level / 255) * (stops.length - 1);
    const low = Math.min(stops.length - 2, Math.floor(position));
    const t = position - low;
    for (let channel = 0; channel < 3; channel++) {
      table[level * 3 + channel] = stops[low]![channel]! + (stops[low + 1]![channel]! - stops[low]![channel]!) * t;
    }
  }
  const out = Buffer.allocUnsafe(grey.length * 3);
  for (let pixel = 0; pixel < grey.length; pixel++) {
    const level = grey[pixel]! * 3;
    out[pixel * 3] = table[level]!;
    out[pixel * 3 + 1] = table[level + 1]!;
    out[pixel * 3 + 2] = table[level + 2]!;
  }
  return { data: out, width: size.width, height: size.height };
}

/** Darkens (or tints) towards the corners, by up to `amount` (0..1), centred slightly above the middle. */
export function vignette(image: Raw, amount: number, tint: Rgb = [0, 0, 0]): Raw {
  const { width, height } = image;
  const cx = width / 2;
  const cy = height * 0.45;
  const reach = cx * cx + Math.max(cy, height - cy) ** 2;
  const data = image.data;
  const out = Buffer.allocUnsafe(data.length);
  for (let y = 0, index = 0; y < height; y++) {
    const dy2 = (y - cy) * (y - cy);
    for (let x = 0; x < width; x++, index += 3) {
      const d = Math.sqrt(((x - cx) * (x - cx) + dy2) / reach);
      const ramp = d <= 0.45 ? 0 : (d - 0.45) / 0.55;
      const t = ramp * ramp * amount;
      out[index] = data[index]! + (tint[0] - data[index]!) * t;
      out[index + 1] = data[index + 1]! + (tint[1] - data[index + 1]!) * t;
      out[index + 2] = data[index + 2]! + (tint[2] - data[index + 2]!) * t;
    }
  }
  return withData(image, out);
}

/**
 * Saturation times `amount` (1 keeps it, 0 is grey), keeping brightness: each channel pushed
 * away from the pixel's grey. Cheaper than a round trip through HSV.
 */
export function saturate(r: number, g: number, b: number, amount: number, out: number[]): void {
  const y = (r * 77 + g * 150 + b * 29) / 256;
  out[0] = y + (r - y) * amount;
  out[1] = y + (g - y) * amount;
  out[2] = y + (b - y) * amount;
}
