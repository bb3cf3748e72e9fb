import { atScale, clamp, grain, hash, luminance, mapPixels, pipe, pipeGrey, toGrey, saturate, toRaw, vignette, type Raw } from './pixels.js';
import { lightSurface } from './shading.js';

/** The modelled family: clay, bubble dolls, porcelain, dolls, a pixel-block game and an animated film. */

interface Moulding {
  /** How far the picture is shrunk before smoothing: smaller means rounder, blobbier shapes. */
  readonly scale: number;
  /** Flat levels per channel of the posterised colour. */
  readonly levels: number;
  readonly saturation: number;
  readonly relief: number;
  readonly shininess: number;
  readonly gloss: number;
  /** Turns each posterised colour (r, g, b in `rgb`, changed in place) into the material's colour. */
  readonly material: (rgb: number[]) => void;
}

/** Smooth, posterised shapes, lit from the upper left with a glossy highlight. */
async function mould(image: Raw, moulding: Moulding): Promise<Raw> {
  const { width, height } = image;
  const shapes = await atScale(image, moulding.scale, (pipeline) => pipeline.median(3).blur(0.7));
  const heightMap = await toGrey(pipeGrey(luminance(shapes), image).blur(Math.max(1.5, width / 400)));
  const { diffuse, specular } = lightSurface(heightMap, width, height, { relief: moulding.relief, shininess: moulding.shininess });
  const step = 255 / (moulding.levels - 1);
  return mapPixels(shapes, (r, g, b, pixel, out) => {
    saturate(r, g, b, moulding.saturation, out);
    // Posterised: a few flat colours, as if each shape were one lump of material.
    out[0] = Math.round(clamp(out[0]!) / step) * step;
    out[1] = Math.round(clamp(out[1]!) / step) * step;
    out[2] = Math.round(clamp(out[2]!) / step) * step;
    moulding.material(out);
    const shade = diffuse[pixel]!;
    const shine = specular[pixel]! * moulding.gloss;
    out[0] = out[0]! * shade + shine;
    out[1] = out[1]! * shade + shine;
    out[2] = out[2]! * shade + shine;
  });
}

/** Plasticine: blobby warm shapes, matte with a soft sheen, and a fine fingerprint grain. */
export async function clay(image: Raw): Promise<Raw> {
  const moulded = await mould(image, {
    scale: 0.13,
    levels: 5,
    saturation: 1.5,
    relief: 0.09,
    shininess: 18,
    gloss: 60,
    material(rgb) {
      // Earthy plasticine: no true black or white, a little warm.
      rgb[0] = 50 + rgb[0]! * 0.74;
      rgb[1] = 38 + rgb[1]! * 0.7;
      rgb[2] = 30 + rgb[2]! * 0.66;
    },
  });
  const texture = await grain(image.width, image.height, 5, 2.5);
  return mapPixels(moulded, (r, g, b, pixel, out) => {
    const press = texture[pixel]! * 0.09;
    out[0] = r + press;
    out[1] = g + press;
    out[2] = b + press;
  });
}

/** Bubble doll: candy pastel, very round shapes and big wet highlights, on a pink glow. */
export async function cuteDoll(image: Raw): Promise<Raw> {
  const moulded = await mould(image, {
    scale: 0.08,
    levels: 4,
    saturation: 1.6,
    relief: 0.14,
    shininess: 60,
    gloss: 230,
    material(rgb) {
      // Candy colours: pastel and bright, leaning pink.
      rgb[0] = 130 + rgb[0]! * 0.5;
      rgb[1] = 105 + rgb[1]! * 0.5;
      rgb[2] = 125 + rgb[2]! * 0.5;
    },
  });
  return vignette(moulded, 0.8, [255, 182, 210]);
}

/** Vintage doll: porcelain-smooth, rosy and slightly sepia, glossy, in a dark, soft frame. */
export async function doll(image: Raw): Promise<Raw> {
  const moulded = await mould(image, {
    scale: 0.18,
    levels: 7,
    saturation: 0.7,
    relief: 0.06,
    shininess: 35,
    gloss: 150,
    material(rgb) {
      // Faded paint on bisque: warm, rosy, lifted.
      rgb[0] = 64 + rgb[0]! * 0.75;
      rgb[1] = 44 + rgb[1]! * 0.68;
      rgb[2] = 40 + rgb[2]! * 0.6;
    },
  });
  return vignette(moulded, 0.95, [36, 18, 22]);
}

/** Glazed porcelain: pale celadon and cream, cobalt in the shadows, hard highlights, fine crackle. */
export async function ceramic(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const moulded = await mould(image, {
    scale: 0.2,
    levels: 8,
    saturation: 1,
    relief: 0.07,
    shininess: 90,
    gloss: 255,
    material(rgb) {
      const v = Math.max(rgb[0]!, rgb[1]!, rgb[2]!) / 255;
      // Glaze over white clay: light areas celadon-white, dark areas the blue of cobalt.
      rgb[0] = 40 + 195 * v;
      rgb[1] = 70 + 175 * v;
      rgb[2] = 130 + 110 * v;
    },
  });
  const cracks = crackle(width, height, Math.max(10, Math.round(Math.min(width, height) / 22)), 17);
  return mapPixels(moulded, (r, g, b, pixel, out) => {
    const line = cracks(pixel % width, Math.floor(pixel / width));
    out[0] = r * (1 - 0.35 * line);
    out[1] = g * (1 - 0.3 * line);
    out[2] = b * (1 - 0.2 * line);
  });
}

/** A blocky game world: a coarse grid of bevelled, saturated blocks in a small palette. */
export async function game3d(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const block = Math.max(4, Math.round(Math.max(width, height) / 64));
  const columns = Math.ceil(width / block);
  const rows = Math.ceil(height / block);
  const small = await toRaw(pipe(image).resize(columns, rows, { fit: 'fill', kernel: 'cubic' }));
  const blocks = await toRaw(pipe(small).modulate({ saturation: 1.6 }));
  const levels = 5;
  const step = 255 / (levels - 1);
  return mapPixels(image, (_r, _g, _b, pixel, out) => {
    const x = pixel % width,
      y = (pixel - x) / width;
    const bx = Math.floor(x / block),
      by = Math.floor(y / block);
    const i = (by * columns + bx) * 3;
    const u = x - bx * block,
      v = y - by * block;
    // Bevel: a lit top-left rim, a shaded bottom-right rim, a dark seam between blocks.
    const rim = Math.max(1, Math.round(block / 8));
    const light = u === 0 || v === 0 ? 0.55 : u < rim || v < rim ? 1.25 : u >= block - rim || v >= block - rim ? 0.72 : 1;
    for (let channel = 0; channel < 3; channel++) out[channel] = Math.round(blocks.data[i + channel]! / step) * step * light;
  });
}

/** An animated film still: smooth rounded surfaces, vivid contrasty colour, warm key light, soft bloom. */
export async function animationMovie(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const smooth = await atScale(image, 0.3, (pipeline) => pipeline.median(3));
  const bloom = await atScale(smooth, 0.08, (pipeline) => pipeline.blur(2).linear(1.3, -60));
  // Everything modelled and rounded, but less than clay: fine detail survives, no posterising.
  const heightMap = await toGrey(pipeGrey(luminance(smooth), image).blur(Math.max(2, width / 300)));
  const { diffuse, specular } = lightSurface(heightMap, width, height, { relief: 0.05, shininess: 24 });
  const glow = bloom.data;
  const graded = mapPixels(smooth, (r, g, b, pixel, out) => {
    // Half a screen blend of the bloom, inline: one pass less over 2 MP.
    const i = pixel * 3;
    r += (255 - ((255 - r) * (255 - glow[i]!)) / 255 - r) * 0.5;
    g += (255 - ((255 - g) * (255 - glow[i + 1]!)) / 255 - g) * 0.5;
    b += (255 - ((255 - b) * (255 - glow[i + 2]!)) / 255 - b) * 0.5;
    const max = Math.max(r, g, b, 1);
    const v = max / 255;
    // An S-curve for contrast, then a warm key from the upper left against a cool fill.
    const curved = 255 * (0.08 + 0.9 * v * v * (3 - 2 * v));
    saturate(r, g, b, 1.7, out);
    const scale = (curved / max) * diffuse[pixel]!;
    const shine = specular[pixel]! * 90;
    const x = pixel % width,
      y = (pixel - x) / width;
    const key = 1 - (x / width + y / height) / 2;
    out[0] = out[0]! * scale + shine + key * 30 - 8;
    out[1] = out[1]! * scale + shine + key * 12;
    out[2] = out[2]! * scale + shine - key * 14 + 14;
  });
  return vignette(graded, 0.5, [20, 14, 40]);
}

/**
 * Crackle glaze: thin lines along the borders of a jittered cell pattern (Worley F2 - F1),
 * computed at a third of the resolution and read back smoothly (bilinear) as 0..1, which
 * costs less than either full resolution or a resize of the line image.
 */
function crackle(width: number, height: number, cell: number, seed: number): (x: number, y: number) => number {
  const w = Math.ceil(width / 3) + 1,
    h = Math.ceil(height / 3) + 1,
    c = cell / 3;
  // One jittered point per cell, with a ring of cells around the picture.
  const columns = Math.ceil(w / c) + 2,
    rows = Math.ceil(h / c) + 2;
  const pointX = new Float32Array(columns * rows),
    pointY = new Float32Array(columns * rows);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) {
      pointX[row * columns + column] = (column - 1 + hash(column, row, seed)) * c;
      pointY[row * columns + column] = (row - 1 + hash(column, row, seed + 1)) * c;
    }
  }
  const lines = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const cy = Math.floor(y / c) + 1;
    for (let x = 0; x < w; x++) {
      const cx = Math.floor(x / c) + 1;
      let first = Infinity,
        second = Infinity;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const k = (cy + dy) * columns + cx + dx;
          const d = (x - pointX[k]!) * (x - pointX[k]!) + (y - pointY[k]!) * (y - pointY[k]!);
          if (d < first) {
            second = first;
            first = d;
          } else if (d < second) second = d;
        }
      }
      const gap = Math.sqrt(second) - Math.sqrt(first);
      lines[y * w + x] = gap < 0.5 ? 1 : gap < 1.1 ? (1.1 - gap) / 0.6 : 0;
    }
  }
  return (x, y) => {
    const sx = x / 3,
      sy = y / 3;
    const x0 = Math.floor(sx),
      y0 = Math.floor(sy),
      fx = sx - x0,
      fy = sy - y0;
    const i = y0 * w + x0;
    const top = lines[i]! + (lines[i + 1]! - lines[i]!) * fx;
    const bottom = lines[i + w]! + (lines[i + w + 1]! - lines[i + w]!) * fx;
    return top + (bottom - top) * fy;
  };
}
