import type { IncomingHttpHeaders } from 'node:http';
import type { Got, OptionsInit } from 'got';
import { AnswerTooLargeError, ProtocolError } from './errors.js';

/**
 * Every answer is read through a size cap counted after decompression, so a gzip bomb or a
 * body that never ends costs at most the cap in memory and stops the moment it passes it.
 */
export const MAX_API_ANSWER_BYTES = 1024 * 1024;

/**
 * How much of an answer to take: `bytes`, or `inlineBytes` for a successful answer that is
 * carrying an inline (base64) result image, which a run with --no-return-url asks for and
 * which may be megabytes. The inline key comes before its value, so it shows in the first `bytes`.
 */
export interface AnswerLimit {
  readonly bytes: number;
  readonly inlineBytes?: number;
}

const INLINE_IMAGE_KEYS = ['"b64_json"', '"binary_data_base64"'];

function carriesInlineImage(head: Buffer[]): boolean {
  const text = Buffer.concat(head).toString('latin1');
  return INLINE_IMAGE_KEYS.some((key) => text.includes(key));
}

interface BoundedResponse {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/**
 * Sends a request through `instance` as a stream and collects at most `maxBytes` of the
 * (decompressed) answer. Over the cap, or declaring more in Content-Length, it throws
 * AnswerTooLargeError; transport errors (got's) are thrown as they are for the caller to sort.
 */
export async function fetchBounded(instance: Got, url: string | URL, options: OptionsInit, limit: AnswerLimit, what: string): Promise<BoundedResponse> {
  let maxBytes = limit.bytes;
  const mayCarryImage = (status: number) => limit.inlineBytes !== undefined && status >= 200 && status < 300;
  const request = instance.stream(url, options as OptionsInit & { isStream?: true });
  let oversize = false;
  let response: { statusCode: number; headers: IncomingHttpHeaders } | undefined;
  request.once('response', (answer: { statusCode: number; headers: IncomingHttpHeaders }) => {
    response = answer;
    const declared = Number(answer.headers['content-length']);
    const mostAllowed = mayCarryImage(answer.statusCode) ? limit.inlineBytes! : maxBytes;
    if (Number.isFinite(declared) && declared > mostAllowed) {
      oversize = true;
      request.destroy();
    }
  });
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of request as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxBytes && maxBytes === limit.bytes && response && mayCarryImage(response.statusCode) && carriesInlineImage(chunks)) {
        maxBytes = limit.inlineBytes!;
      }
      if (size > maxBytes) {
        oversize = true;
        break;
      }
      chunks.push(chunk);
    }
  } catch (error) {
    if (!oversize) throw error;
  } finally {
    // Whatever the stream says after we stopped reading is of no interest, and must not go unhandled.
    request.on('error', () => undefined);
    if (!request.destroyed) request.destroy();
  }
  if (oversize) throw new AnswerTooLargeError(`${what} is larger than the ${describeBytes(maxBytes)} limit; refusing it (not retried)`);
  if (!response) throw new ProtocolError(`${what} ended without an answer`);
  return { status: response.statusCode, headers: response.headers, body: Buffer.concat(chunks) };
}

export function describeBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${Math.round(bytes / 1024)} KB`;
}
