import { atScale, edgeMap, hash, lineMask, luminance, mapPixels, multiplyMask, pipe, saturate, screen, toRaw, vignette, type Raw, type Rgb } from './pixels.js';

/** The light family: a faithful grade, and looks made of glow, haze, sparkle and bokeh. */

/** Crisp and faithful, graded like a film still: teal shadows, warm highlights. */
export async function realistic(image: Raw): Promise<Raw> {
  // An unsharp mask by hand: sharp's own sharpen() costs several times more at 2 MP.
  const soft = (await toRaw(pipe(image).blur(1.2))).data;
  const graded = mapPixels(image, (r, g, b, pixel, out) => {
    const i = pixel * 3;
    const cr = (r + (r - soft[i]!) * 0.9) * 1.12 - 10;
    const cg = (g + (g - soft[i + 1]!) * 0.9) * 1.12 - 10;
    const cb = (b + (b - soft[i + 2]!) * 0.9) * 1.12 - 10;
    const warm = (cr * 77 + cg * 150 + cb * 29) / 65280 - 0.5;
    out[0] = cr + warm * 34;
    out[1] = cg + warm * 6;
    out[2] = cb - warm * 40;
  });
  return vignette(graded, 0.35);
}

/** High key and luminous: a white-gold bloom, lifted shadows, a halo of light from above. */
export async function angel(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const bloom = await atScale(image, 0.1, (pipeline) => pipeline.blur(3).modulate({ brightness: 1.4, saturation: 0.6 }));
  const lifted = mapPixels(screen(image, bloom, 0.85), (r, g, b, pixel, out) => {
    const x = pixel % width,
      y = (pixel - x) / width;
    // A broad shaft of light falling from the top centre.
    const hx = (x - width / 2) / (width * 0.55),
      hy = y / (height * 0.9);
    const halo = Math.max(0, 1 - Math.sqrt(hx * hx + hy * hy)) * 90;
    out[0] = 70 + r * 0.75 + halo;
    out[1] = 62 + g * 0.75 + halo * 0.95;
    out[2] = 40 + b * 0.7 + halo * 0.7;
  });
  return vignette(lifted, 0.8, [255, 250, 235]);
}

/** Pink and lavender, soft focus, and little four-point sparkles on the bright spots. */
export async function princess(image: Raw): Promise<Raw> {
  const soft = await toRaw(pipe(image).blur(1.4));
  const haze = await atScale(image, 0.1, (pipeline) => pipeline.blur(2));
  const pink = mapPixels(screen(soft, haze, 0.55), (r, g, b, _pixel, out) => {
    saturate(r, g, b, 1.2, out);
    out[0] = 40 + out[0]! * 0.86;
    out[1] = 8 + out[1]! * 0.76;
    out[2] = 40 + out[2]! * 0.84;
  });
  return sparkle(vignette(pink, 0.7, [250, 200, 230]), luminance(image), 0.0009, 21);
}

/** Golden hour: amber grade, a warm flare from the top left, soft circles of bokeh. */
export async function romanticLight(image: Raw): Promise<Raw> {
  const { width, height } = image;
  const soft = await atScale(image, 0.5, (pipeline) => pipeline.blur(0.8));
  const flareReach = Math.hypot(width, height) * 0.75;
  const amber = mapPixels(soft, (r, g, b, pixel, out) => {
    const x = pixel % width,
      y = (pixel - x) / width;
    const fx = x - width * 0.12,
      fy = y - height * 0.08;
    const near = Math.max(0, 1 - Math.sqrt(fx * fx + fy * fy) / flareReach);
    const flare = near * near;
    out[0] = 20 + r * 0.95 + flare * 160;
    out[1] = 4 + g * 0.72 + flare * 100;
    out[2] = b * 0.42 + flare * 30;
  });
  return bokeh(amber, luminance(image), 33);
}

/** Dreamy blue line art: a pale blue haze and bloom, drawn over in fine blue pencil. */
export async function dreamy(image: Raw): Promise<Raw> {
  const haze = await atScale(image, 0.12, (pipeline) => pipeline.blur(1.5).modulate({ saturation: 0.5 }));
  const hazed = mapPixels(screen(image, haze, 0.9), (r, g, b, _pixel, out) => {
    const y = (r * 77 + g * 150 + b * 29) / 65280;
    out[0] = 120 + y * 90 + (r - y * 255) * 0.25;
    out[1] = 150 + y * 85 + (g - y * 255) * 0.25;
    out[2] = 215 + y * 40;
  });
  return multiplyMask(hazed, lineMask(await edgeMap(image, 1.0, 1.2), 18, 14), [30, 60, 160]);
}

/** Four-point stars on bright places (where a hash of the position says so), additively drawn. */
function sparkle(image: Raw, grey: Buffer, density: number, seed: number): Raw {
  const { width, height } = image;
  const data = Buffer.from(image.data);
  const arm = Math.max(3, Math.round(Math.min(width, height) * 0.018));
  const cell = Math.max(4, Math.round(1 / Math.sqrt(density)));
  for (let gy = 0; gy * cell < height; gy++) {
    for (let gx = 0; gx * cell < width; gx++) {
      const x = Math.min(width - 1, Math.floor((gx + hash(gx, gy, seed)) * cell));
      const y = Math.min(height - 1, Math.floor((gy + hash(gx, gy, seed + 1)) * cell));
      if (grey[y * width + x]! < 150 || hash(gx, gy, seed + 2) < 0.35) continue;
      const size = arm * (0.5 + hash(gx, gy, seed + 3));
      for (let d = -Math.ceil(size); d <= Math.ceil(size); d++) {
        const fade = 1 - Math.abs(d) / size;
        if (fade <= 0) continue;
        addLight(data, width, height, x + d, y, fade * 255);
        if (d !== 0) addLight(data, width, height, x, y + d, fade * 255);
      }
    }
  }
  return { data, width, height };
}

/** Out-of-focus highlights: soft-edged discs of the local light colour, brighter where the photo is. */
function bokeh(image: Raw, grey: Buffer, seed: number): Raw {
  const { width, height } = image;
  const data = Buffer.from(image.data);
  const cell = Math.max(8, Math.round(Math.min(width, height) / 9));
  for (let gy = 0; gy * cell < height; gy++) {
    for (let gx = 0; gx * cell < width; gx++) {
      const cx = Math.floor((gx + hash(gx, gy, seed)) * cell);
      const cy = Math.floor((gy + hash(gx, gy, seed + 1)) * cell);
      if (cx >= width || cy >= height || hash(gx, gy, seed + 2) < 0.4) continue;
      const brightness = grey[cy * width + cx]! / 255;
      const radius = cell * (0.18 + 0.3 * hash(gx, gy, seed + 3));
      const tint: Rgb = [255, 200 + 40 * brightness, 140 + 60 * brightness];
      const strength = 0.18 + 0.3 * brightness;
      for (let y = Math.max(0, Math.floor(cy - radius)); y <= Math.min(height - 1, Math.ceil(cy + radius)); y++) {
        for (let x = Math.max(0, Math.floor(cx - radius)); x <= Math.min(width - 1, Math.ceil(cx + radius)); x++) {
          const d = Math.sqrt((x - cx) * (x - cx) + (y - cy) * (y - cy)) / radius;
          if (d > 1) continue;
          // A bright rim, as real lens bokeh has.
          const cover = strength * (d > 0.85 ? (1 - d) / 0.15 + 0.3 : 0.75 + 0.3 * d);
          const i = (y * width + x) * 3;
          data[i] = data[i]! + (tint[0] - data[i]!) * Math.min(1, cover);
          data[i + 1] = data[i + 1]! + (tint[1] - data[i + 1]!) * Math.min(1, cover);
          data[i + 2] = data[i + 2]! + (tint[2] - data[i + 2]!) * Math.min(1, cover);
        }
      }
    }
  }
  return { data, width, height };
}

function addLight(data: Buffer, width: number, height: number, x: number, y: number, amount: number): void {
  if (x < 0 || y < 0 || x >= width || y >= height) return;
  const i = (y * width + x) * 3;
  data[i] = Math.min(255, data[i]! + amount);
  data[i + 1] = Math.min(255, data[i + 1]! + amount);
  data[i + 2] = Math.min(255, data[i + 2]! + amount);
}
