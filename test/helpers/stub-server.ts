import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterThisTest } from './cleanup.js';

export interface StubRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = (request: StubRequest, response: ServerResponse) => void;

/**
 * An HTTP server on 127.0.0.1 that answers from a script: reply number n answers request
 * number n (the last one repeats). Records every request it saw.
 */
export async function stubServer(replies: Reply[]): Promise<{ url: string; requests: StubRequest[]; close(): void }> {
  const requests: StubRequest[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const seen = { method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(seen);
      const reply = replies[Math.min(requests.length, replies.length) - 1]!;
      reply(seen, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  afterThisTest(close);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, close };
}

export const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

/** Accepts the request, then closes the connection without an answer. */
export const hangUp: Reply = (_request, response) => {
  response.socket?.destroy();
};
