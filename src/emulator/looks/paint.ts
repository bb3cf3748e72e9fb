import { atScale, clamp, edgeMap, edges, grain, hash, lineMask, liftToMean, luminance, mapPixels, pipe, saturate, toRaw, type Raw } from './pixels.js';

/** The painted family: watercolour, Monet's strokes, and the pastel dots of the new Monet garden. */

/** Soft bleeding colour, darker where pigment pooled at the edges, faint pencil, paper grain, a ragged white margin. */
export async function watercolor(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const bled = await atScale(liftToMean(image, 165), 0.15, (pipeline) => pipeline.median(3).blur(1.2).modulate({ saturation: 1.5, brightness: 1.08 }));
  // Pigment gathers where a wash meets another: darken along the edges of the bled colour.
  const rims = edges(luminance(bled), width, height, 3);
  const paperGrain = await grain(width, height, 3, 1.0);
  const blots = await grain(width, height, 4, 6);
  const pencil = lineMask(await edgeMap(image, 1.2), 30, 30);
  const margin = Math.max(4, Math.min(width, height) * 0.05);
  return mapPixels(bled, (r, g, b, pixel, out) => {
    const x = pixel % width,
      y = (pixel - x) / width;
    const pool = 1 - Math.min(0.35, rims[pixel]! / 255);
    const fibre = 1 + paperGrain[pixel]! * 0.0012;
    const lead = 0.78 + 0.22 * (pencil[pixel]! / 255);
    // The wash stops short of the sheet's edge, raggedly, as a painted sheet does.
    const inside = Math.min(x, y, width - 1 - x, height - 1 - y) - margin * (1 + blots[pixel]! / 160);
    const wash = inside <= 0 ? 0 : inside >= margin * 0.4 ? 1 : inside / (margin * 0.4);
    // A thin, transparent wash: the paper shows through the colour.
    out[0] = (252 - (252 - r * pool * lead) * 0.82 * wash) * fibre;
    out[1] = (248 - (248 - g * pool * lead) * 0.82 * wash) * fibre;
    out[2] = (238 - (238 - b * pool * lead) * 0.82 * wash) * fibre;
  });
}

/**
 * Short impressionist strokes: a stroke every few pixels, in the local colour (a little
 * brighter or darker at random), laid across the direction the brightness changes.
 */
export async function monet(image: Raw): Promise<Raw> {
  const palette = await toRaw(pipe(image).blur(1.2));
  const underpaint = await atScale(palette, 0.08, (pipeline) => pipeline.modulate({ saturation: 1.6 }));
  return paintDabs(underpaint, palette, {
    spacing: 0.009,
    length: 2.6,
    thickness: 0.8,
    jitter: 26,
    seed: 1,
    // Saturated and a touch warm: the colour of each stroke, applied as it is picked up.
    colour(rgb) {
      saturate(rgb[0]!, rgb[1]!, rgb[2]!, 1.6, rgb);
      rgb[0] = rgb[0]! * 1.08 + 4;
      rgb[1] = rgb[1]! * 1.05;
      rgb[2] = rgb[2]! * 0.98;
    },
  });
}

/** Round pastel dabs on a light ground: brighter and softer than Monet, with garden colours. */
export async function newMonet(image: Raw): Promise<Raw> {
  const pastel = (rgb: number[]) => {
    saturate(rgb[0]!, rgb[1]!, rgb[2]!, 1.9, rgb);
    rgb[0] = 70 + rgb[0]! * 0.82;
    rgb[1] = 76 + rgb[1]! * 0.8;
    rgb[2] = 92 + rgb[2]! * 0.66;
  };
  const palette = await toRaw(pipe(image).blur(1.5));
  const ground = mapPixels(await atScale(palette, 0.06, (pipeline) => pipeline), (r, g, b, _pixel, out) => {
    out[0] = r;
    out[1] = g;
    out[2] = b;
    pastel(out);
    out[0] = 255 - (255 - out[0]!) * 0.7;
    out[1] = 255 - (255 - out[1]!) * 0.7;
    out[2] = 250 - (255 - out[2]!) * 0.7;
  });
  return paintDabs(ground, palette, { spacing: 0.012, length: 1.3, thickness: 1.3, jitter: 18, seed: 2, colour: pastel });
}

interface DabOptions {
  /** Distance between dabs, as a fraction of the short side. */
  readonly spacing: number;
  /** Stroke length and thickness, in multiples of the spacing. */
  readonly length: number;
  readonly thickness: number;
  /** How far each dab's brightness strays from the local colour (0..255). */
  readonly jitter: number;
  readonly seed: number;
  /** Turns the colour picked up from the palette (r, g, b, changed in place) into the paint's. */
  readonly colour: (rgb: number[]) => void;
}

function paintDabs(canvas: Raw, palette: Raw, options: DabOptions): Raw {
  const { width, height } = canvas;
  const out = Buffer.from(canvas.data);
  const colours = palette.data;
  const grey = luminance(palette);
  const step = Math.max(3, Math.round(Math.min(width, height) * options.spacing));
  const halfLength = (step * options.length) / 2 + 0.5;
  const halfThickness = (step * options.thickness) / 2 + 0.5;
  const reach = Math.ceil(Math.max(halfLength, halfThickness));
  const paint = [0, 0, 0];
  for (let gy = 0; gy * step < height + step; gy++) {
    for (let gx = 0; gx * step < width + step; gx++) {
      const cx = Math.min(width - 2, Math.max(1, Math.round((gx + hash(gx, gy, options.seed) - 0.5) * step)));
      const cy = Math.min(height - 2, Math.max(1, Math.round((gy + hash(gx, gy, options.seed + 9) - 0.5) * step)));
      const centre = cy * width + cx;
      // Strokes follow the contours: across the brightness gradient, with a little wobble.
      const gradX = grey[centre + 1]! - grey[centre - 1]!;
      const gradY = grey[centre + width]! - grey[centre - width]!;
      const angle = Math.atan2(gradX, -gradY) + (hash(gx, gy, options.seed + 3) - 0.5) * 0.9;
      const cos = Math.cos(angle),
        sin = Math.sin(angle);
      const shift = (hash(gx, gy, options.seed + 5) - 0.5) * 2 * options.jitter;
      paint[0] = colours[centre * 3]!;
      paint[1] = colours[centre * 3 + 1]!;
      paint[2] = colours[centre * 3 + 2]!;
      options.colour(paint);
      const r = clamp(paint[0]! + shift);
      const g = clamp(paint[1]! + shift);
      const b = clamp(paint[2]! + shift * 0.8);
      for (let y = Math.max(0, cy - reach); y <= Math.min(height - 1, cy + reach); y++) {
        for (let x = Math.max(0, cx - reach); x <= Math.min(width - 1, cx + reach); x++) {
          const u = ((x - cx) * cos + (y - cy) * sin) / halfLength;
          const v = (-(x - cx) * sin + (y - cy) * cos) / halfThickness;
          const d = u * u + v * v;
          if (d > 1) continue;
          // Loaded in the middle, dry at the rim.
          const cover = d < 0.6 ? 1 : (1 - d) / 0.4;
          const i = (y * width + x) * 3;
          out[i] = out[i]! + (r - out[i]!) * cover;
          out[i + 1] = out[i + 1]! + (g - out[i + 1]!) * cover;
          out[i + 2] = out[i + 2]! + (b - out[i + 2]!) * cover;
        }
      }
    }
  }
  return { data: out, width, height };
}
