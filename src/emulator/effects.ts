import { sharp } from '../image/sharp.js';

/**
 * The emulator's stand-in for the real model: a clearly different, recognisable look per
 * style family, made locally with sharp, at the input's size, as JPEG. Not art, but enough
 * for a person to see that `--style ink-wash` and `--style marvel` did different things.
 */
export type Look = 'ink' | 'watercolor' | 'comic' | 'impressionist' | 'red-duotone' | 'clay' | 'soft-glow' | 'realistic';

/** Which look each catalog alias gets. Keyed by alias: the catalog stays the one table of styles. */
export const LOOK_OF_ALIAS: Readonly<Record<string, Look>> = {
  ghibli: 'comic',
  realistic: 'realistic',
  angel: 'soft-glow',
  anime: 'comic',
  princess: 'soft-glow',
  dreamy: 'watercolor',
  'ink-wash': 'ink',
  'new-monet': 'impressionist',
  watercolor: 'watercolor',
  monet: 'impressionist',
  marvel: 'comic',
  cyber: 'comic',
  'korean-comic': 'comic',
  'chinese-ink': 'ink',
  'romantic-light': 'soft-glow',
  ceramic: 'clay',
  'chinese-red': 'red-duotone',
  clay: 'clay',
  'cute-doll': 'clay',
  '3d-game': 'clay',
  'animation-movie': 'clay',
  doll: 'clay',
};

interface Raw {
  data: Buffer;
  width: number;
  height: number;
}

async function toRaw(input: Buffer): Promise<Raw> {
  const { data, info } = await sharp(input).rotate().removeAlpha().toColourspace('srgb').raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

const rawInput = (image: Raw) => ({ raw: { width: image.width, height: image.height, channels: 3 as const } });

/** Dark outlines where brightness changes fast: black lines on white, as a 3-channel raw image. */
async function outlines(image: Raw, threshold: number): Promise<Buffer> {
  // Separate passes: sharp runs its operations in its own fixed order, not in call order.
  const edges = await sharp(image.data, rawInput(image))
    .greyscale()
    .blur(1.2)
    .convolve({ width: 3, height: 3, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1] })
    .raw()
    .toBuffer();
  const lines = Buffer.allocUnsafe(edges.length);
  for (let index = 0; index < edges.length; index++) lines[index] = edges[index]! >= threshold ? 0 : 255;
  return onColour(lines, [255, 255, 255]);
}

function multiply(base: Buffer, overlay: Buffer): Buffer {
  const out = Buffer.allocUnsafe(base.length);
  for (let index = 0; index < base.length; index++) out[index] = (base[index]! * overlay[index]!) / 255;
  return out;
}

function screen(base: Buffer, overlay: Buffer, amount: number): Buffer {
  const out = Buffer.allocUnsafe(base.length);
  for (let index = 0; index < base.length; index++) {
    const screened = 255 - ((255 - base[index]!) * (255 - overlay[index]!)) / 255;
    out[index] = base[index]! + (screened - base[index]!) * amount;
  }
  return out;
}

/** A one-channel grey image printed in a colour: white becomes the colour, black stays black. */
function onColour(grey: Buffer, colour: readonly [number, number, number]): Buffer {
  const out = Buffer.allocUnsafe(grey.length * 3);
  for (let pixel = 0; pixel < grey.length; pixel++) {
    for (let channel = 0; channel < 3; channel++) out[pixel * 3 + channel] = (grey[pixel]! * colour[channel]!) / 255;
  }
  return out;
}

/** Flat colour: each channel snapped to a few levels. */
function posterize(data: Buffer, levels: number): Buffer {
  const step = 255 / (levels - 1);
  const out = Buffer.allocUnsafe(data.length);
  for (let index = 0; index < data.length; index++) out[index] = Math.round(Math.round(data[index]! / step) * step);
  return out;
}

async function encode(data: Buffer, image: Raw): Promise<Buffer> {
  return sharp(data, rawInput(image)).jpeg({ quality: 88, mozjpeg: false }).toBuffer();
}

const LOOKS: Record<Look, (image: Raw) => Promise<Buffer>> = {
  // Monochrome ink on warm paper, with strong edges.
  async ink(image) {
    const wash = await sharp(image.data, rawInput(image)).greyscale().blur(2).linear(1.35, -25).raw().toBuffer();
    return encode(multiply(onColour(wash, [239, 228, 207]), await outlines(image, 14)), image);
  },
  // Soft, bleeding colour: blurred, lightened, saturated, with faint edges.
  async watercolor(image) {
    const bleed = await sharp(image.data, rawInput(image)).median(5).blur(4).modulate({ saturation: 1.6, brightness: 1.12 }).raw().toBuffer();
    const lines = await sharp(await outlines(image, 20), rawInput(image)).linear(0.35, 255 * 0.65).raw().toBuffer();
    return encode(multiply(bleed, lines), image);
  },
  // Flat posterized colour with dark outlines.
  async comic(image) {
    const flat = await sharp(image.data, rawInput(image)).median(5).modulate({ saturation: 1.5 }).raw().toBuffer();
    return encode(multiply(posterize(flat, 4), await outlines(image, 12)), image);
  },
  // Dabs of warm, saturated colour.
  async impressionist(image) {
    const dabs = await sharp(image.data, rawInput(image)).median(9).blur(1.5).modulate({ saturation: 1.8, hue: 15, brightness: 1.05 }).raw().toBuffer();
    return encode(dabs, image);
  },
  // A red duotone: the picture's light and shade in Chinese red and cream.
  async 'red-duotone'(image) {
    const grey = await sharp(image.data, rawInput(image)).greyscale().normalise().raw().toBuffer();
    const out = Buffer.allocUnsafe(image.width * image.height * 3);
    const dark = [150, 10, 20];
    const light = [255, 236, 205];
    for (let pixel = 0; pixel < image.width * image.height; pixel++) {
      const t = grey[pixel]! / 255;
      for (let channel = 0; channel < 3; channel++) out[pixel * 3 + channel] = dark[channel]! + (light[channel]! - dark[channel]!) * t;
    }
    return encode(out, image);
  },
  // Smooth, saturated, rounded shading: heavy smoothing, strong colour, a vignette for depth.
  async clay(image) {
    const smooth = await sharp(image.data, rawInput(image)).median(11).blur(3).modulate({ saturation: 1.9, brightness: 1.08 }).gamma(1.6).raw().toBuffer();
    const vignette = Buffer.from(
      `<svg width="${image.width}" height="${image.height}"><defs><radialGradient id="v" cx="50%" cy="45%" r="75%">` +
        `<stop offset="55%" stop-color="#fff"/><stop offset="100%" stop-color="#5a4a60"/></radialGradient></defs>` +
        `<rect width="100%" height="100%" fill="url(#v)"/></svg>`,
    );
    const shade = await sharp(vignette).resize(image.width, image.height).removeAlpha().toColourspace('srgb').raw().toBuffer();
    return encode(multiply(smooth, shade), image);
  },
  // A dreamy glow: the picture screened with a bright, blurred copy of itself.
  async 'soft-glow'(image) {
    const glow = await sharp(image.data, rawInput(image)).blur(12).modulate({ brightness: 1.25, saturation: 1.2 }).raw().toBuffer();
    return encode(screen(image.data, glow, 0.7), image);
  },
  // Crisper and punchier, otherwise faithful.
  async realistic(image) {
    const crisp = await sharp(image.data, rawInput(image)).sharpen({ sigma: 1.5 }).linear(1.15, -12).modulate({ saturation: 1.15 }).raw().toBuffer();
    return encode(crisp, image);
  },
};

export async function renderLook(input: Buffer, look: Look): Promise<Buffer> {
  return LOOKS[look](await toRaw(input));
}
