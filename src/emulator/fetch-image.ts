import { isLoopbackHost } from '../core/loopback.js';

/** Far above what the service takes as an input image, far below what would hurt the emulator. */
const MAX_IMAGE_BYTES = 16 * 1024 * 1024;
const MAX_REDIRECTS = 3;

function assertLoopback(url: URL): void {
  if (!isLoopbackHost(url.hostname) || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new Error('the emulator only fetches image_urls from loopback hosts');
  }
}

/**
 * An `image_urls` entry, fetched the way the emulator may: every hop on loopback (redirects
 * are followed by hand, each location checked, since fetch's own following checks nothing),
 * and at most MAX_IMAGE_BYTES read, whatever content-length says.
 */
export async function fetchLoopbackImage(url: string): Promise<Buffer> {
  let target = new URL(url);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    assertLoopback(target);
    const response = await fetch(target, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      target = new URL(location, target);
      continue;
    }
    if (!response.ok) throw new Error(`image_urls answered ${response.status}`);
    return readCapped(response);
  }
  throw new Error(`image_urls redirected more than ${MAX_REDIRECTS} times`);
}

async function readCapped(response: Response): Promise<Buffer> {
  if (Number(response.headers.get('content-length') ?? 0) > MAX_IMAGE_BYTES) {
    await response.body?.cancel();
    throw new Error(`the image at image_urls is larger than ${MAX_IMAGE_BYTES} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_IMAGE_BYTES) throw new Error(`the image at image_urls is larger than ${MAX_IMAGE_BYTES} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}
