import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import {
  AuthenticationError,
  BadRequestError,
  NetworkError,
  OutcomeUnknownError,
  PermissionError,
  ProtocolError,
  TaskNotFoundError,
} from '../../src/api/errors.js';
import { buildCreateBody } from '../../src/api/request-body.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { hangUp, json, stubServer } from '../helpers/stub-server.js';

const body = buildCreateBody({ style: resolveStyle('marvel'), image: { bytes: Buffer.from('ABC') }, returnUrl: true, logo: null });
const created = json(200, { id: 'task-1', status: 'pending' });

function client(baseUrl: string, clock = fakeClock(), extra: Partial<ConstructorParameters<typeof SparkClient>[0]> = {}) {
  return new SparkClient({ baseUrl, apiKey: 'sk-test-secret-key', clock, random: () => 0.5, requestTimeoutMs: 2000, createTimeoutMs: 2000, ...extra });
}

describe('SparkClient.createTask', () => {
  it('posts the body with the Bearer key to /model/v1/generation', async () => {
    const server = await stubServer([created]);
    const task = await client(server.url).createTask(body);
    expect(task.id).toBe('task-1');
    expect(server.requests[0]).toMatchObject({ method: 'POST', url: '/model/v1/generation' });
    expect(server.requests[0]!.headers.authorization).toBe('Bearer sk-test-secret-key');
    expect(server.requests[0]!.headers['content-type']).toContain('application/json');
    expect(JSON.parse(server.requests[0]!.body)).toEqual(body);
  });

  it('retries 429 (honouring Retry-After) and 503, which prove nothing was created', async () => {
    const clock = fakeClock();
    const server = await stubServer([json(429, { message: 'slow' }, { 'retry-after': '3' }), json(503, { message: 'busy' }), created]);
    const task = await client(server.url, clock).createTask(body);
    expect(task.id).toBe('task-1');
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([3000, 2000]);
  });

  it('retries a create answered with 003008099 (nothing created)', async () => {
    const clock = fakeClock();
    const server = await stubServer([json(500, { error: { code: '003008099', message: 'Service unavailable' } }), created]);
    await client(server.url, clock).createTask(body);
    expect(server.requests).toHaveLength(2);
  });

  it.each([
    ['a 502', json(502, '<html>bad gateway</html>')],
    ['a 500 without proof', json(500, { message: 'oops' })],
    ['a dropped connection', hangUp],
    ['a 200 it cannot read', json(200, 'not json')],
  ])('never resends after %s: outcome unknown', async (_name, reply) => {
    const server = await stubServer([reply, created]);
    const attempt = client(server.url).createTask(body);
    await expect(attempt).rejects.toBeInstanceOf(OutcomeUnknownError);
    await expect(attempt).rejects.toMatchObject({ kind: 'outcome-unknown' });
    expect(server.requests).toHaveLength(1);
  });

  it('reports a timeout after the body was sent as outcome unknown', async () => {
    const server = await stubServer([() => undefined]);
    await expect(client(server.url, fakeClock(), { createTimeoutMs: 300 }).createTask(body)).rejects.toBeInstanceOf(OutcomeUnknownError);
    expect(server.requests).toHaveLength(1);
  });

  it('fails at once on a refused connection when the service never answered: one line with the URL and doctor, no retry', async () => {
    const port = await freePort();
    const clock = fakeClock();
    const retries: number[] = [];
    const attempt = client(`http://127.0.0.1:${port}`, clock).createTask(body, { onRetry: ({ attempt }) => retries.push(attempt) });
    await expect(attempt).rejects.toBeInstanceOf(NetworkError);
    await expect(attempt).rejects.toMatchObject({ sent: false, kind: 'network', code: 'ECONNREFUSED', hint: undefined });
    const error = (await attempt.catch((caught: Error) => caught)) as Error;
    expect(error.message).toBe(`cannot reach http://127.0.0.1:${port}: connection refused; check --base-url and your network, or run \`spark-style doctor\``);
    expect(retries).toEqual([]);
    expect(clock.sleeps).toEqual([]);
  });

  it('retries a refused connection with back-off once the service has answered in this run (an outage mid-batch)', async () => {
    // `connection: close`: the next create opens a new connection, which the closed server refuses.
    const server = await stubServer([json(200, { id: 'task-1', status: 'pending' }, { connection: 'close' })]);
    const clock = fakeClock();
    const spark = client(server.url, clock);
    await spark.createTask(body);
    server.close();
    const attempt = spark.createTask(body);
    await expect(attempt).rejects.toMatchObject({ sent: false, code: 'ECONNREFUSED' });
    expect(clock.sleeps).toEqual([1000, 2000, 4000, 8000]);
    expect(server.requests).toHaveLength(1);
  });

  it.each([
    [400, { error: { code: '003008002', message: 'Invalid req_key' } }, BadRequestError, '003008002'],
    [401, { message: 'Invalid API key' }, AuthenticationError, 'http-401'],
    [403, { message: 'Insufficient balance' }, PermissionError, 'http-403'],
  ])('types a %i answer without retrying', async (status, answer, type, code) => {
    const server = await stubServer([json(status, answer)]);
    const attempt = client(server.url).createTask(body);
    await expect(attempt).rejects.toBeInstanceOf(type);
    await expect(attempt).rejects.toMatchObject({ status, code });
    expect(server.requests).toHaveLength(1);
  });
});

describe('SparkClient.getTask', () => {
  it('reads fail at once too while nothing has answered, and are retried after an answer', async () => {
    const port = await freePort();
    const clock = fakeClock();
    await expect(client(`http://127.0.0.1:${port}`, clock).getTask('task-1')).rejects.toMatchObject({ code: 'ECONNREFUSED', transient: false });
    expect(clock.sleeps).toEqual([]);

    const server = await stubServer([json(200, { task_id: 'task-1', status: 'running' }, { connection: 'close' })]);
    const spark = client(server.url, clock);
    await spark.getTask('task-1');
    server.close();
    await expect(spark.getTask('task-1')).rejects.toMatchObject({ code: 'ECONNREFUSED', transient: true });
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('retries 5xx, 429 and unreadable answers with growing delays', async () => {
    const clock = fakeClock();
    const server = await stubServer([json(500, {}), json(429, {}), json(200, '{not json'), json(200, { task_id: 'task-1', status: 'completed' })]);
    const task = await client(server.url, clock).getTask('task-1');
    expect(task.state).toBe('completed');
    expect(server.requests.map((request) => request.url)).toEqual(Array(4).fill('/model/v1/generation/task/task-1'));
    expect(clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it('fails a task the server no longer knows with a clear message', async () => {
    const server = await stubServer([json(404, { message: 'not found' })]);
    const clock = fakeClock();
    const attempt = client(server.url, clock).getTask('gone');
    await expect(attempt).rejects.toBeInstanceOf(TaskNotFoundError);
    await expect(attempt).rejects.toThrow(/unknown to the server \(results expire after 24 hours\)/);
    await expect(attempt).rejects.toMatchObject({ confirmed: true });
    // Believed only when it repeats: three reads, 2 s and 4 s apart.
    expect(server.requests).toHaveLength(3);
    expect(clock.sleeps).toEqual([2000, 4000]);
  });

  it('asks again after a single 404 (a gateway blip): the task is there', async () => {
    const server = await stubServer([json(404, { message: 'not found' }), json(200, { task_id: 'task-1', status: 'completed' })]);
    const task = await client(server.url).getTask('task-1');
    expect(task.state).toBe('completed');
    expect(server.requests).toHaveLength(2);
  });

  it('a 404 that the deadline leaves no time to ask again about is thrown unconfirmed', async () => {
    const server = await stubServer([json(404, { message: 'not found' })]);
    const clock = fakeClock();
    const attempt = client(server.url, clock).getTask('gone', { deadline: clock.now() + 1000 });
    await expect(attempt).rejects.toMatchObject({ confirmed: false });
    expect(server.requests).toHaveLength(1);
  });

  it('gives up with a ProtocolError after the retries', async () => {
    const server = await stubServer([json(200, { surprise: true })]);
    await expect(client(server.url).getTask('t')).rejects.toBeInstanceOf(ProtocolError);
    expect(server.requests).toHaveLength(6);
  });
});

describe('SparkClient.downloadResult', () => {
  it('downloads without the Authorization header', async () => {
    const cdn = await stubServer([(_request, response) => response.end(Buffer.from([0xff, 0xd8, 0xff, 0xe0]))]);
    const bytes = await client('http://127.0.0.1:1').downloadResult({ kind: 'url', url: `${cdn.url}/r/0.jpg`, size: null });
    expect(bytes).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    expect(cdn.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('decodes inline base64 results', async () => {
    expect(await client('http://127.0.0.1:1').downloadResult({ kind: 'base64', base64: Buffer.from('image').toString('base64') })).toEqual(
      Buffer.from('image'),
    );
  });

  it('refuses other schemes and oversize results', async () => {
    await expect(client('http://127.0.0.1:1').downloadResult({ kind: 'url', url: 'file:///etc/passwd', size: null })).rejects.toThrow(/scheme file:/);
    const cdn = await stubServer([(_request, response) => response.end(Buffer.alloc(5000))]);
    await expect(
      client('http://127.0.0.1:1', fakeClock(), { maxDownloadBytes: 1000 }).downloadResult({ kind: 'url', url: `${cdn.url}/big`, size: null }),
    ).rejects.toThrow(/larger than the .* limit/);
  });

  it('drops the key when the API redirects to another origin', async () => {
    const other = await stubServer([json(200, { id: 'moved', status: 'pending' })]);
    const api = await stubServer([
      (_request, response) => {
        response.writeHead(307, { location: `${other.url}/model/v1/generation/task/t` });
        response.end();
      },
    ]);
    await client(api.url).getTask('t');
    expect(api.requests[0]!.headers.authorization).toBe('Bearer sk-test-secret-key');
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('encodeCreateBody', () => {
  it('sends exactly the JSON of buildCreateBody, built without one big base64 string', async () => {
    const { encodeCreateBody } = await import('../../src/api/request-body.js');
    const bytes = Buffer.alloc(200_001, 7); // several 48 KB slices and a ragged end
    for (const params of [
      { style: resolveStyle('marvel'), image: { bytes }, returnUrl: true, logo: { add_logo: true, position: 2 as const, logo_text_content: 'mine "quoted"' } },
      { style: resolveStyle('ghibli'), image: { url: 'https://example.com/a.jpg' }, returnUrl: false, logo: null },
    ]) {
      const encoded = encodeCreateBody(params);
      expect(encoded.toString()).toBe(JSON.stringify(buildCreateBody(params)));
    }
  });
});
