import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { InputError } from '../core/errors.js';

/**
 * Draws an SVG at exactly the size the API needs, in a child process that is killed when
 * it runs out of time. An SVG's declared size means nothing to a vector image, so it is
 * rendered at the target size (its density set to match), never at the 16000 px it may
 * declare. A separate process because librsvg computes a filter in one long native call
 * that neither sharp's timeout nor a worker's terminate() can interrupt: only a kill can.
 */

/** The PNG of a 4096 x 4096 RGBA render is far below this; more means something is wrong. */
const MAX_OUTPUT_BYTES = 128 * 1024 * 1024;

// Runs in the child (CommonJS via -e): argv is [sharp's entry, path, density, width, height, seconds].
// It also stops itself at the limit, in case its parent is gone and cannot kill it.
const CHILD = `
const [sharpPath, path, density, width, height, seconds] = process.argv.slice(1);
setTimeout(() => process.exit(2), Number(seconds) * 1000 + 1000).unref();
const sharp = require(sharpPath);
sharp.cache(false);
sharp(path, { density: Number(density), limitInputPixels: false, failOn: 'error' })
  .resize(Number(width), Number(height), { fit: 'fill' })
  .png({ compressionLevel: 1 })
  .toBuffer()
  .then((png) => process.stdout.write(png), (error) => { process.stderr.write(String(error.message).split('\\n')[0]); process.exitCode = 1; });
`;

interface SvgRender {
  readonly path: string;
  /** The size the SVG declares, at 72 dpi (what sharp's metadata reports). */
  readonly declared: { width: number; height: number };
  readonly target: { width: number; height: number };
  readonly timeoutSeconds: number;
}

function svgDensity(declaredLongSide: number, targetLongSide: number): number {
  // sharp takes 1 to 100000 dpi; 72 renders the SVG at its declared size.
  return Math.min(100_000, Math.max(1, (72 * targetLongSide) / declaredLongSide));
}

/** The SVG as a PNG of the target size, or an InputError when it cannot be drawn in time. */
export function rasterizeSvg(render: SvgRender): Promise<Buffer> {
  const sharpEntry = createRequire(import.meta.url).resolve('sharp');
  const density = svgDensity(Math.max(render.declared.width, render.declared.height), Math.max(render.target.width, render.target.height));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['-e', CHILD, sharpEntry, render.path, String(density), String(render.target.width), String(render.target.height), String(render.timeoutSeconds)],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const chunks: Buffer[] = [];
    let size = 0;
    let problem = '';
    let failure: InputError | null = null;
    const stop = (error: InputError) => {
      failure ??= error;
      child.kill('SIGKILL');
    };
    const timer = setTimeout(
      () =>
        stop(
          new InputError(`cannot fix: drawing the SVG took over ${render.timeoutSeconds} s; refusing it`, {
            code: 'repair-timeout',
            hint: 'export it as a PNG or JPEG of at most 4096 px yourself',
          }),
        ),
      render.timeoutSeconds * 1000,
    );
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) stop(new InputError('cannot fix: the drawn SVG is unexpectedly large; refusing it', { code: 'decodes' }));
      else chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (problem.length < 500) problem += chunk.toString('utf8');
    });
    child.on('error', (error) => stop(new InputError(`cannot fix: could not start the SVG renderer (${error.message})`, { code: 'decodes' })));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) return reject(failure);
      if (code !== 0 || size === 0)
        return reject(new InputError(`cannot fix: the SVG could not be drawn${problem ? ` (${problem.trim().slice(0, 200)})` : ''}`, { code: 'decodes' }));
      resolve(Buffer.concat(chunks));
    });
  });
}
