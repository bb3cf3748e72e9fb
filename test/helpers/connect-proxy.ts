import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createServer as createTlsServer } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterThisTest } from './cleanup.js';

export interface TestProxy {
  /** e.g. http://127.0.0.1:41234 */
  readonly url: string;
  /** Every CONNECT target (host:port), in order. */
  readonly tunnels: string[];
  /** Plain (absolute-form) requests that reached the proxy (refused). */
  readonly forwarded: string[];
  /** Every byte a client sent through the proxy, tunnels included. */
  seen(): Buffer;
}

/**
 * A small forward proxy on loopback that speaks CONNECT (and absolute-form http). It resolves
 * only the names it is given, all to loopback ports: a test can use a non-loopback host name
 * (so the client does not bypass the proxy) without anything leaving this machine.
 */
export async function startConnectProxy(hosts: Record<string, true>): Promise<TestProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const chunks: Buffer[] = [];
  const sockets = new Set<Socket>();
  const resolve = (host: string): string | null => (hosts[host.toLowerCase()] || host === '127.0.0.1' ? '127.0.0.1' : null);
  // Plain absolute-form requests are recorded and refused: this client must tunnel everything.
  const server: Server = createServer((request, response) => {
    forwarded.push(`${request.method} ${request.url}`);
    response.writeHead(501).end('this test proxy only tunnels (CONNECT)');
  });
  server.on('connect', (request, client: Socket, head: Buffer) => {
    tunnels.push(request.url ?? '');
    sockets.add(client);
    const [host, port] = (request.url ?? '').split(':');
    const address = resolve(host ?? '');
    if (!address) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const upstream = connect(Number(port), address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.on('data', (chunk: Buffer) => chunks.push(chunk));
      client.pipe(upstream).pipe(client);
    });
    sockets.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on('error', drop);
    client.on('error', drop);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  afterThisTest(async () => {
    for (const socket of sockets) socket.destroy();
    server.closeAllConnections();
    await new Promise((done) => server.close(done));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, tunnels, forwarded, seen: () => Buffer.concat(chunks) };
}

export const TEST_CERT = fileURLToPath(new URL('../fixtures/tls/cert.pem', import.meta.url));
const TEST_KEY = fileURLToPath(new URL('../fixtures/tls/key.pem', import.meta.url));

/** https on loopback with the test certificate, passing the decrypted bytes to a plain-http port (the emulator). */
export async function startTlsFront(targetPort: number): Promise<{ port: number }> {
  const sockets = new Set<Socket>();
  const server = createTlsServer({ key: readFileSync(TEST_KEY), cert: readFileSync(TEST_CERT) }, (socket) => {
    const upstream = connect(targetPort, '127.0.0.1');
    sockets.add(socket);
    sockets.add(upstream);
    socket.pipe(upstream).pipe(socket);
    const drop = () => {
      socket.destroy();
      upstream.destroy();
    };
    socket.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  afterThisTest(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((done) => server.close(done));
  });
  return { port: (server.address() as AddressInfo).port };
}
