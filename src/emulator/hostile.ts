import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { createGzip } from 'node:zlib';

/**
 * Answers a hostile gateway or result host gives, for the fault injection in faults.ts. Each
 * produces bytes only as fast as the client reads them, so the emulator itself stays small
 * whatever the client does, and each stops when the client hangs up.
 */

/** Up to `totalBytes` of zeros, produced on demand in 64 KB chunks. */
function zeros(totalBytes: number): Readable {
  const chunk = Buffer.alloc(64 * 1024);
  let left = totalBytes;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const size = Math.min(chunk.length, left);
      left -= size;
      this.push(size === chunk.length ? chunk : chunk.subarray(0, size));
    },
  });
}

function streamTo(response: ServerResponse, source: Readable): void {
  response.on('close', () => source.destroy());
  source.pipe(response);
}

/** A small gzip answer that inflates to `inflatedBytes` (10 GB by default): a decompression bomb. */
export function sendGzipBomb(response: ServerResponse, status: number, contentType: string, inflatedBytes = 10 * 1024 ** 3): void {
  response.writeHead(status, { 'content-type': contentType, 'content-encoding': 'gzip' });
  const gzip = createGzip({ level: 1 });
  response.on('close', () => gzip.destroy());
  streamTo(response, zeros(inflatedBytes).pipe(gzip));
}

/** A chunked answer that never ends (until the client hangs up). */
export function sendEndless(response: ServerResponse, status: number, contentType: string): void {
  response.writeHead(status, { 'content-type': contentType });
  response.write('{"id":"endless","status":"in_progress","padding":"');
  streamTo(response, zeros(Number.MAX_SAFE_INTEGER));
}

/** The body one byte at a time, `intervalMs` apart: a result host that holds the client for as long as it waits. */
export function sendTrickle(response: ServerResponse, body: Buffer, contentType: string, intervalMs: number): void {
  response.writeHead(200, { 'content-type': contentType, 'content-length': body.length });
  let sent = 0;
  const timer = setInterval(() => {
    if (sent >= body.length) {
      clearInterval(timer);
      return void response.end();
    }
    response.write(body.subarray(sent, sent + 1));
    sent++;
  }, intervalMs);
  response.on('close', () => clearInterval(timer));
}
