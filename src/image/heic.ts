import { readFile } from 'node:fs/promises';

/**
 * HEIC (HEIF with HEVC coding, what iPhones write) decoded by libheif compiled to WebAssembly
 * (the heic-decode package): the prebuilt sharp reads HEIF's AV1 flavour (AVIF) but not HEVC.
 * libheif returns the primary image whole (an iPhone photo is a grid of 512 px tiles) and
 * upright (the `irot` and `imir` properties applied). The EXIF Orientation tag inside a HEIC is
 * not applied again: HEIF's own properties are authoritative, and libvips ignores it too.
 * The WebAssembly module (about 1.5 MB) is loaded the first time a HEIC file is met.
 */
interface DecodedHeic {
  /** RGBA, 8 bits a channel. */
  readonly data: Buffer;
  readonly width: number;
  readonly height: number;
  readonly channels: 4;
}

export async function decodeHeicFile(path: string): Promise<DecodedHeic> {
  return decodeHeic(await readFile(path));
}

export async function decodeHeic(bytes: Buffer): Promise<DecodedHeic> {
  const { default: decode } = await import('heic-decode');
  let image;
  const restoreConsole = silenceConsoleLog();
  try {
    image = await decode({ buffer: bytes });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`libheif could not decode it (${reason})`);
  } finally {
    restoreConsole();
  }
  const { data, width, height } = image;
  if (data.length !== width * height * 4) throw new Error(`libheif returned ${data.length} bytes for ${width}x${height} RGBA`);
  return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength), width, height, channels: 4 };
}

let silenced = 0;
let originalLog: typeof console.log | null = null;

/**
 * libheif's JavaScript glue reports failures with console.log, which would land on stdout in
 * the middle of `--json` output. The failure still reaches us as an error; the chatter is
 * dropped. Counted, because several decodes can overlap.
 */
function silenceConsoleLog(): () => void {
  if (silenced++ === 0) {
    originalLog = console.log;
    console.log = () => {};
  }
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--silenced === 0 && originalLog) {
      console.log = originalLog;
      originalLog = null;
    }
  };
}
