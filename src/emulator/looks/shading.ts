import type { Grey } from './pixels.js';

/**
 * Treats brightness as height and lights it from the upper left: the rounded, modelled
 * surface of clay, porcelain and toys. Returns, per pixel, a diffuse factor around 1 and a
 * specular highlight 0..1 (the glossy spot), both from the smoothed height map given.
 */
export function lightSurface(
  height: Grey,
  width: number,
  rows: number,
  options: { relief: number; shininess: number },
): { diffuse: Float32Array; specular: Float32Array } {
  const diffuse = new Float32Array(width * rows).fill(1);
  const specular = new Float32Array(width * rows);
  // Light from the upper left, a little towards the viewer; the viewer straight on.
  const lx = -0.5,
    ly = -0.6,
    lz = 0.62;
  const hx = lx,
    hy = ly,
    hz = lz + 1;
  const hLength = Math.sqrt(hx * hx + hy * hy + hz * hz);
  // facing ** shininess, looked up: a power per pixel is the slow part of this loop.
  const power = new Float32Array(1025);
  for (let step = 0; step <= 1024; step++) power[step] = (step / 1024) ** options.shininess;
  const relief = options.relief;
  for (let y = 1; y < rows - 1; y++) {
    for (let x = 1, i = y * width + 1; x < width - 1; x++, i++) {
      const dx = (height[i + 1]! - height[i - 1]!) * relief;
      const dy = (height[i + width]! - height[i - width]!) * relief;
      const inverse = 1 / Math.sqrt(dx * dx + dy * dy + 1);
      const nx = -dx * inverse,
        ny = -dy * inverse,
        nz = inverse;
      const lambert = nx * lx + ny * ly + nz * lz;
      diffuse[i] = 0.45 + 0.9 * Math.max(lambert, 0);
      const facing = (nx * hx + ny * hy + nz * hz) / hLength;
      specular[i] = facing > 0 ? power[(facing * 1024) | 0]! : 0;
    }
  }
  return { diffuse, specular };
}
