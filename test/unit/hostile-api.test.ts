import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import {
  AnswerTooLargeError,
  ApiError,
  apiErrorFor,
  AuthenticationError,
  BadRequestError,
  OutcomeUnknownError,
  PermissionError,
  ProtocolError,
  RateLimitError,
  RequestTimeoutError,
  ServerError,
  TaskFailedError,
  TaskNotFoundError,
} from '../../src/api/errors.js';
import { encodeCreateBody } from '../../src/api/request-body.js';
import { isRetryableRead } from '../../src/api/retry.js';
import { MAX_RESULTS_PER_TASK } from '../../src/api/wire.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import { systemClock } from '../../src/core/clock.js';
import { UsageError } from '../../src/core/errors.js';
import { pollTask } from '../../src/runner/poll.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { makeImage } from '../helpers/images.js';
import { json, stubServer } from '../helpers/stub-server.js';

const KEY = 'sk-hostile-0123456789';

function clientFor(baseUrl: string, extra: Partial<ConstructorParameters<typeof SparkClient>[0]> = {}) {
  return new SparkClient({ baseUrl, apiKey: KEY, clock: fakeClock(), random: () => 0.5, requestTimeoutMs: 5000, createTimeoutMs: 5000, ...extra });
}

async function createBody(returnUrl = false): Promise<Buffer> {
  return encodeCreateBody({ style: resolveStyle('ghibli'), image: { bytes: await makeImage(800, 600) }, returnUrl, logo: null });
}

/** Resident memory grows by less than `limitMb` while `work` runs. */
async function withinMemory<T>(limitMb: number, work: () => Promise<T>): Promise<T> {
  const before = process.memoryUsage().rss;
  let peak = before;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    return await work();
  } finally {
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    expect((peak - before) / 1024 / 1024).toBeLessThan(limitMb);
  }
}

describe('answers are bounded (issue 12 #1)', () => {
  it('refuses a task read answered with a gzip bomb, in bounded memory, without retrying', async () => {
    const server = await emulator({ latencyMs: 0, plain: true });
    const client = clientFor(server.url);
    const task = await client.createTask(await createBody());
    server.setFaults({ readBomb: 'gzip' });
    const error = await withinMemory(400, () => client.getTask(task.id).catch((caught: unknown) => caught));
    expect(error).toBeInstanceOf(AnswerTooLargeError);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(/larger than the 1 MB limit/);
    expect(server.stats().task_reads).toBe(1);
  });

  it('refuses a task read whose body never ends, at once and without retrying', async () => {
    const server = await emulator({ latencyMs: 0, plain: true });
    const client = clientFor(server.url);
    const task = await client.createTask(await createBody());
    server.setFaults({ readBomb: 'endless' });
    await expect(withinMemory(400, () => client.getTask(task.id))).rejects.toThrow(AnswerTooLargeError);
    expect(server.stats().task_reads).toBe(1);
  });

  it.each([
    [200, 200 * 1024 * 1024],
    [500, 2 * 1024 * 1024],
  ])('refuses an HTTP %i answer that declares %i bytes in Content-Length, before reading it', async (status, length) => {
    const server = await stubServer([
      (_request, response) => {
        response.writeHead(status, { 'content-type': 'application/json', 'content-length': String(length) });
        response.write('{"id":"x",');
      },
    ]);
    await expect(clientFor(server.url).getTask('abc')).rejects.toThrow(AnswerTooLargeError);
    expect(server.requests).toHaveLength(1);
  });

  it('takes a task answer carrying an inline result of several MB: a paid result is never refused for its size', async () => {
    const image = Buffer.alloc(3 * 1024 * 1024, 7);
    const server = await stubServer([
      json(200, { id: 'abc', status: 'completed', output: [{ content: [{ type: 'image', b64_json: image.toString('base64') }] }] }),
    ]);
    const client = clientFor(server.url);
    const task = await client.getTask('abc');
    expect((await client.downloadResult(task.results[0]!)).equals(image)).toBe(true);
  });

  it('bounds an answer that only pretends to carry an inline image, and does not retry it', async () => {
    const server = await stubServer([
      (_request, response) => {
        response.writeHead(200, { 'content-type': 'application/json' });
        response.write('{"id":"abc","status":"completed","output":[{"content":[{"type":"image","b64_json":"');
        const chunk = Buffer.alloc(64 * 1024, 'A');
        const source = new Readable({
          read() {
            this.push(chunk);
          },
        });
        response.on('close', () => source.destroy());
        source.pipe(response);
      },
    ]);
    const error = await withinMemory(400, () =>
      clientFor(server.url, { maxDownloadBytes: 50 * 1024 * 1024 })
        .getTask('abc')
        .catch((caught: unknown) => caught),
    );
    expect(error).toBeInstanceOf(AnswerTooLargeError);
    expect(server.requests).toHaveLength(1);
  });

  it('calls an oversized answer to a create "outcome unknown", and never sends it again', async () => {
    const big = JSON.stringify({ id: 'task-1', status: 'pending', padding: 'x'.repeat(2 * 1024 * 1024) });
    const server = await stubServer([json(200, big)]);
    await expect(clientFor(server.url).createTask(await createBody())).rejects.toThrow(OutcomeUnknownError);
    expect(server.requests).toHaveLength(1);
  });

  it('never retries an oversized answer (the same request would be answered the same way)', () => {
    expect(isRetryableRead(new AnswerTooLargeError('big'))).toBe(false);
    expect(isRetryableRead(new ProtocolError('not JSON'))).toBe(true);
  });

  it('refuses a gzip-bomb result download without retrying it', async () => {
    const server = await emulator({ latencyMs: 0, plain: true });
    const client = clientFor(server.url);
    const task = await client.createTask(await createBody(true));
    server.setFaults({ resultBomb: true });
    await expect(withinMemory(400, () => client.downloadResult(task.results[0]!))).rejects.toThrow(/larger than the 50 MB limit/);
    expect(server.stats().result_downloads).toBe(1);
  });
});

describe('creates never follow redirects (issue 12 #8)', () => {
  it.each([301, 302, 307, 308])('a %i on create is a protocol error, and the photo goes nowhere else', async (status) => {
    const elsewhere = await stubServer([json(200, { id: 'stolen', status: 'pending' })]);
    const server = await emulator({ latencyMs: 0, plain: true, faults: { redirectCreate: { status, location: `${elsewhere.url}/model/v1/generation` } } });
    const error = await clientFor(server.url)
      .createTask(await createBody())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(new RegExp(`redirect \\(HTTP ${status} to 127\\.0\\.0\\.1:\\d+\\)`));
    expect(elsewhere.requests).toHaveLength(0);
    expect(server.stats().creates_received).toBe(1);
  });

  it('still follows a redirect on a read, without the key off our origin', async () => {
    const other = await stubServer([json(200, { id: 'abc', status: 'in_progress' })]);
    const server = await stubServer([
      (_request, response) => {
        response.writeHead(302, { location: `${other.url}/model/v1/generation/task/abc` });
        response.end();
      },
    ]);
    const task = await clientFor(server.url).getTask('abc');
    expect(task.state).toBe('running');
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });
});

describe('usage.cost is informative (issue 12 #7)', () => {
  it.each([['1e308'], ['-5'], [{ amount: 1 }], [[1, 2]], [Number.NaN], ['0x10'], ['']])('cost %j is unknown and the result still downloads', async (cost) => {
    const server = await emulator({ latencyMs: 0, plain: true, faults: { oddCost: cost } });
    const client = clientFor(server.url);
    const task = await client.createTask(await createBody());
    expect(task.state).toBe('completed');
    expect(task.cost).toBeNull();
    const read = await client.getTask(task.id);
    expect(read.cost).toBeNull();
    expect((await client.downloadResult(read.results[0]!)).length).toBeGreaterThan(1000);
  });

  it('an odd size or job id on the result does not hide it either', async () => {
    const server = await stubServer([
      json(200, {
        id: 'abc',
        status: 'completed',
        progress: 'done',
        output: [{ content: [{ type: 'image', url: 'http://127.0.0.1:1/r.jpg', size: '12 KB', jobId: { x: 1 } }] }],
        usage: 'free',
      }),
    ]);
    const task = await clientFor(server.url).getTask('abc');
    expect(task.results).toEqual([{ kind: 'url', url: 'http://127.0.0.1:1/r.jpg', size: null }]);
    expect([task.progress, task.cost]).toEqual([null, null]);
  });

  it('keeps a sane decimal as the server wrote it', async () => {
    const server = await emulator({ latencyMs: 0, plain: true, faults: { oddCost: '0.0300' } });
    expect((await clientFor(server.url).createTask(await createBody())).cost).toBe('0.0300');
    server.setFaults({ oddCost: 0.05 });
    expect((await clientFor(server.url).createTask(await createBody())).cost).toBe('0.05');
  });
});

describe('results per task are bounded (issue 12 #10)', () => {
  it(`keeps at most ${MAX_RESULTS_PER_TASK} of 1000 claimed results and says how many it left out`, async () => {
    const server = await emulator({ latencyMs: 0, plain: true, faults: { resultsPerTask: 1000 } });
    const task = await clientFor(server.url).createTask(await createBody(true));
    expect(task.results).toHaveLength(MAX_RESULTS_PER_TASK);
    expect(task.resultsLeftOut).toBe(1000 - MAX_RESULTS_PER_TASK);
  });
});

describe('task ids and messages from the server (issue 12 #4, #11)', () => {
  it.each([['../../etc/passwd'], ['abc\nsaved 1, failed 0'], ['\u001b]0;pwned\u0007'], ['x'.repeat(129)]])(
    'refuses the id %j in a create answer: outcome unknown, not sent again',
    async (id) => {
      const server = await emulator({ latencyMs: 0, plain: true, faults: { hostileTaskId: id } });
      const error = await clientFor(server.url)
        .createTask(await createBody())
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(OutcomeUnknownError);
      expect((error as Error).message).toMatch(/invalid id/);
      expect((error as Error).message).not.toMatch(/[\n\u001b\u0007]/);
      expect(server.stats().creates_received).toBe(1);
    },
  );

  it('a read keeps the id that was asked for, whatever the answer claims', async () => {
    const server = await stubServer([json(200, { id: '../evil\u001b[2J', status: 'completed', output: [] })]);
    const task = await clientFor(server.url).getTask('task-42');
    expect(task.id).toBe('task-42');
  });

  it('refuses to ask for an id that is not one, before sending anything', async () => {
    const server = await stubServer([json(200, { id: 'x', status: 'pending' })]);
    await expect(clientFor(server.url).getTask('../x')).rejects.toThrow(UsageError);
    await expect(clientFor(server.url).getTask('a\u001b[2Jb')).rejects.toThrow(/is not a task id/);
    expect(server.requests).toHaveLength(0);
  });

  it('makes a hostile failure message one line and cuts it', async () => {
    const hostile = `\u001b]0;owned\u0007\u001b[2J\rsaved 1, failed 0\n${'A'.repeat(10_000)}`;
    const server = await emulator({ latencyMs: 0, plain: true, faults: { failEvery: 1, hostileMessage: hostile } });
    const client = clientFor(server.url);
    const task = await client.createTask(await createBody());
    const error = await pollTask(client, task.id, { clock: fakeClock(), deadline: Number.MAX_SAFE_INTEGER, recoveryCommand: 'x' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TaskFailedError);
    const message = (error as Error).message;
    expect(message).not.toMatch(/[\r\n]/);
    expect(message.length).toBeLessThan(700);
    expect(message).toMatch(/more characters\)$/);
  });

  it('makes a hostile status word harmless', async () => {
    const server = await stubServer([json(200, { id: 'abc', status: '\u001b[2Jcompleted' })]);
    const task = await clientFor(server.url).getTask('abc');
    expect(task.status).toBe('unrecognised');
    expect(task.state).toBe('running');
  });

  it('drops a seed code that is not an identifier', async () => {
    const server = await stubServer([json(200, { id: 'abc', status: 'failed', error: { code: '\u001b]8;;http://evil\u0007', message: 'no' } })]);
    const task = await clientFor(server.url).getTask('abc');
    expect(task.error).toEqual({ code: null, message: 'no' });
  });
});

describe('downloads keep to the run deadline (issue 12 #9)', () => {
  it('a result host trickling one byte at a time cannot hold the client past the deadline', async () => {
    const server = await emulator({ latencyMs: 0, plain: true });
    const client = new SparkClient({ baseUrl: server.url, apiKey: KEY, clock: systemClock, minDownloadMs: 200 });
    const task = await client.createTask(await createBody(true));
    server.setFaults({ trickleResults: { intervalMs: 50 } });
    const started = Date.now();
    const error = await client.downloadResult(task.results[0]!, { deadline: Date.now() + 300 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect(Date.now() - started).toBeLessThan(5000);
    // No retry is scheduled past the deadline.
    expect(server.stats().result_downloads).toBe(1);
  });
});

describe('apiErrorFor: each class owns its kind (issue 11)', () => {
  it.each([
    [400, BadRequestError, 'api'],
    [401, AuthenticationError, 'auth'],
    [403, PermissionError, 'auth'],
    [404, TaskNotFoundError, 'api'],
    [429, RateLimitError, 'network'],
    [500, ServerError, 'network'],
    [503, ServerError, 'network'],
    [418, ApiError, 'api'],
  ] as const)('HTTP %i is a %o of kind %s', (status, type, kind) => {
    const error = apiErrorFor(status, `HTTP ${status}: no`);
    expect(error).toBeInstanceOf(type);
    expect(error.kind).toBe(kind);
    expect(error.code).toBe(`http-${status}`);
  });

  it('carries Retry-After on a 429 and the usual hints', () => {
    const limited = apiErrorFor(429, 'HTTP 429: slow', { retryAfterMs: 3000 }) as RateLimitError;
    expect(limited.retryAfterMs).toBe(3000);
    expect(limited.message).toBe('HTTP 429: slow (rate limited)');
    expect(apiErrorFor(401, 'HTTP 401: no').hint).toMatch(/config list/);
  });
});
