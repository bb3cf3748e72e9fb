import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** The extension a result gets, from its bytes (never from anything the server says). */
export function extensionOf(bytes: Buffer): string {
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpg';
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return 'png';
  if (bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (bytes.length >= 6 && bytes.toString('latin1', 0, 3) === 'GIF') return 'gif';
  return 'bin';
}

/**
 * Writes a file so that it is either absent or complete: a temp file in the same folder,
 * flushed, then moved into place. Without `overwrite` an existing file is never replaced:
 * the temp file is hard-linked to the name (which fails if the name exists), and a paid
 * result that finds its name taken is saved under the next free name instead of being lost.
 */
export async function writeAtomically(target: string, bytes: Buffer, overwrite: boolean): Promise<string> {
  const folder = dirname(target);
  await mkdir(folder, { recursive: true });
  const temp = join(folder, `.${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'wx', 0o644);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    if (overwrite) {
      await rename(temp, target);
      return target;
    }
    for (let attempt = 1; attempt <= 1000; attempt++) {
      const candidate = attempt === 1 ? target : numbered(target, attempt);
      try {
        await link(temp, candidate);
        return candidate;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
    }
    throw new Error(`no free name next to ${target}`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

function numbered(target: string, n: number): string {
  const dot = target.lastIndexOf('.');
  return dot > target.lastIndexOf('/') ? `${target.slice(0, dot)}-${n}${target.slice(dot)}` : `${target}-${n}`;
}
