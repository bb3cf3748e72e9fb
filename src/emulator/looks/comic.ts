import { atScale, edgeMap, lineMask, liftToMean, mapPixels, multiplyMask, pipeGrey, toGrey, saturate, type Grey, type Raw } from './pixels.js';

/** The drawn family: comic book, cel anime, soft anime, Korean webtoon, and neon cyber lines. */

/** Flat colour, bold black outlines and halftone dots in the shadows. */
export async function marvel(image: Raw): Promise<Raw> {
  const { width, height } = image;
  // A night shot is lifted first, or the three-level inks would print it all black.
  const flat = await atScale(liftToMean(image, 100), 0.35, (pipeline) => pipeline.median(5).linear(1.25, -24));
  const dotPeriod = Math.max(4, Math.round(Math.min(width, height) / 110));
  const period = dotPeriod * 2;
  // Three levels per ink: the 27 flat colours of a cheap four-colour print.
  const ink = (level: number) => (level < 70 ? 20 : level < 165 ? 150 : 245);
  const coloured = mapPixels(flat, (r, g, b, pixel, out) => {
    saturate(r, g, b, 1.7, out);
    const value = Math.max(out[0]!, out[1]!, out[2]!) / 255;
    out[0] = ink(out[0]!);
    out[1] = ink(out[1]!);
    out[2] = ink(out[2]!);
    // Halftone: dots on a 45-degree screen, larger where the picture is darker.
    const x = pixel % width,
      y = (pixel - x) / width;
    const u = ((x + y) % period) / period - 0.5;
    const v = ((x - y + height * 4) % period) / period - 0.5;
    const radius = value < 0.7 ? (0.7 - value) * 0.7 : 0;
    if (u * u + v * v < radius * radius) {
      out[0] = out[0]! * 0.3;
      out[1] = out[1]! * 0.3;
      out[2] = out[2]! * 0.3;
    }
  });
  const outline = await thicken(lineMask(await edgeMap(image, 2.2, 1.6), 16, 10), image, 1.4);
  return multiplyMask(coloured, outline, [12, 10, 14]);
}

/** Cel shading: the colours kept, the shading cut into three hard steps, thin ink lines. */
export async function anime(image: Raw): Promise<Raw> {
  const smooth = await atScale(image, 0.4, (pipeline) => pipeline.median(3));
  const cel = mapPixels(smooth, (r, g, b, _pixel, out) => {
    const max = Math.max(r, g, b, 1);
    const value = max < 84 ? 97 : max < 168 ? 184 : 248;
    saturate(r, g, b, 1.5, out);
    // Scaling all three channels together changes the brightness and keeps the hue.
    const scale = value / max;
    out[0] = out[0]! * scale + 4;
    out[1] = out[1]! * scale;
    out[2] = out[2]! * scale + 8;
  });
  return multiplyMask(cel, lineMask(await edgeMap(image, 1.4, 1.3), 18, 8), [20, 16, 30]);
}

/** Soft painted anime: lush colour, lifted shadows, gentle value steps, warm brown pencil. */
export async function ghibli(image: Raw): Promise<Raw> {
  const soft = await atScale(image, 0.28, (pipeline) => pipeline.median(3).blur(0.8));
  const painted = mapPixels(soft, (r, g, b, _pixel, out) => {
    const max = Math.max(r, g, b, 1);
    const v = max / 255;
    const stepped = Math.round(v * 6) / 6;
    // Lifted shadows, values half-stepped like gouache, lush greens and clean sky blue.
    const value = 255 * (0.3 + 0.68 * Math.sqrt(0.5 * v + 0.5 * stepped));
    saturate(r, g, b, 1.4, out);
    const scale = value / max;
    const green = g >= r && g >= b ? 1.08 : 1;
    out[0] = out[0]! * scale * 1.03 + 8;
    out[1] = out[1]! * scale * green;
    out[2] = out[2]! * scale * 0.96;
  });
  const pencil = lineMask(await edgeMap(image, 1.3, 1.0), 24, 20);
  return multiplyMask(painted, pencil.map((level) => 110 + level * 0.57) as Grey, [70, 46, 30]);
}

/** Korean webtoon: clean airbrushed colour, high key, cool lilac shadows, fine grey lines. */
export async function koreanComic(image: Raw): Promise<Raw> {
  const clean = await atScale(image, 0.4, (pipeline) => pipeline.median(5).blur(0.6));
  const airbrushed = mapPixels(clean, (r, g, b, _pixel, out) => {
    const y = (r * 77 + g * 150 + b * 29) / 65280;
    const shadow = Math.max(0, 0.55 - y) * 1.3;
    // High key and pastel: lift everything, push shadows toward lilac.
    out[0] = 60 + r * 0.78 + shadow * 18;
    out[1] = 58 + g * 0.76 - shadow * 10;
    out[2] = 70 + b * 0.75 + shadow * 55;
  });
  return multiplyMask(airbrushed, lineMask(await edgeMap(image, 0.9, 1.1), 22, 12), [52, 46, 62]);
}

/** Neon cyan and magenta outlines glowing on a dark, blue-black city, with scan lines. */
export async function cyber(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const strength = await edgeMap(image, 1.2, 2.4);
  const glow = await toGrey(pipeGrey(strength, image).blur(Math.max(2, width / 300)));
  return mapPixels(image, (r, g, b, pixel, out) => {
    // The city itself, dimmed to a quarter and mostly drained of colour.
    saturate(r * 0.28, g * 0.28, b * 0.28, 0.4, out);
    r = out[0]!;
    g = out[1]!;
    b = out[2]!;
    const x = pixel % width,
      y = (pixel - x) / width;
    // Cyan on the left and top of the frame, magenta on the right and bottom, mixed between.
    const t = Math.min(1, Math.max(0, (x / width) * 0.7 + (y / height) * 0.5 - 0.1));
    const line = Math.min(1, strength[pixel]! / 150);
    const halo = Math.min(1, glow[pixel]! / 90) * 0.8;
    const light = Math.min(1, line + halo);
    const scan = y % 3 === 0 ? 0.8 : 1;
    out[0] = (r * 0.6 + 10 + light * (30 + 225 * t)) * scan;
    out[1] = (g * 0.5 + 6 + light * (240 * (1 - t) + 20 * t)) * scan;
    out[2] = (b * 0.9 + 26 + light * 235) * scan;
  });
}

/** Bolder lines: a blurred line mask thresholded again spreads each line by about `radius`. */
async function thicken(mask: Grey, size: { width: number; height: number }, radius: number): Promise<Grey> {
  const spread = await toGrey(pipeGrey(mask, size).blur(radius));
  for (let index = 0; index < spread.length; index++) spread[index] = spread[index]! < 200 ? 0 : spread[index]! < 235 ? (spread[index]! - 200) * 7.3 : 255;
  return spread;
}
