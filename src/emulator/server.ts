import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import pLimit from 'p-limit';
import { isLoopbackHost } from '../core/loopback.js';
import { findSeedCode } from '../catalog/error-codes.js';
import { LOOK_OF_ALIAS, renderLook } from './effects.js';
import type { Faults, WireVariant } from './faults.js';
import { sendEndless, sendGzipBomb, sendTrickle } from './hostile.js';
import { newTaskId, validateCreate, ValidationFailure, type EmulatedTask } from './task-store.js';

/**
 * The Spark Style Template protocol (PROTOCOL.md) from the server side, over real HTTP on
 * loopback. Result images are served by a second listener, like the provider's CDN, so a
 * client that leaks its key to the result host is caught (see stats).
 */
export interface EmulatorOptions {
  host?: string;
  /** 0 picks a free port. The result host listens on another free port. */
  port?: number;
  /** Create-to-completed time of every task. */
  latencyMs?: number;
  /** Accept only this key; otherwise any non-empty Bearer key. */
  key?: string;
  costPerTask?: string;
  faults?: Faults;
  wire?: WireVariant;
  /** Serve the input back instead of rendering a look (benchmarks: keeps the emulator's CPU out of the measurement). */
  plain?: boolean;
  /** Reads of a task older than this answer 404, like expired results. */
  resultTtlMs?: number;
  now?: () => number;
  /** Called after each task is created, with the running count: lets a test act at an exact point. */
  onTaskCreated?: (count: number, task: { id: string; alias: string; imageSha256: string }) => void;
  /** Called when a create request arrives, before any answer, with the running count. */
  onCreateReceived?: (count: number) => void;
  /** Called when a client opens a connection to the API, before it sends anything. */
  onConnection?: (count: number) => void;
  /** Awaited after a task is created and before its create is answered: a test holds the answer here. */
  beforeCreateAnswer?: (count: number) => Promise<void> | void;
  /** Called on every task read, with the running count (a client reads only tasks whose id it has). */
  onTaskRead?: (count: number) => void;
}

interface EmulatorStats {
  creates_received: number;
  tasks_created: number;
  task_reads: number;
  result_downloads: number;
  result_requests_with_authorization: number;
  rate_limited: number;
  injected_errors: number;
  /** Requests answered 401 (no key or the wrong one). */
  unauthorized: number;
}

export interface RunningEmulator {
  /** The API base URL, e.g. http://127.0.0.1:8787 */
  readonly url: string;
  readonly resultUrl: string;
  stats(): EmulatorStats;
  setFaults(faults: Faults): void;
  /** Resolves once every created task's picture is rendered: a test on a fake clock waits for it, not for time. */
  rendered(): Promise<void>;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const ROTATION = ['standard', 'task-id', 'string-error'] as const;

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
  const latencyMs = options.latencyMs ?? 3000;
  const now = options.now ?? Date.now;
  const ttl = options.resultTtlMs ?? 24 * 60 * 60 * 1000;
  const tasks = new Map<string, EmulatedTask>();
  const render = pLimit(2);
  const pendingRenders = new Set<Promise<void>>();
  let faults: Faults = {};
  let readErrorsLeft = 0;
  let dropsLeft = 0;
  let htmlResultsLeft = 0;
  /** New faults start their counted injections over. */
  const applyFaults = (next: Faults) => {
    faults = next;
    readErrorsLeft = next.readError?.count ?? 0;
    dropsLeft = next.dropCreate?.count ?? 0;
    htmlResultsLeft = next.htmlResult?.count ?? 0;
  };
  applyFaults(options.faults ?? {});
  const stats: EmulatorStats = {
    creates_received: 0,
    tasks_created: 0,
    task_reads: 0,
    result_downloads: 0,
    result_requests_with_authorization: 0,
    rate_limited: 0,
    injected_errors: 0,
    unauthorized: 0,
  };
  let resultBase = '';

  const authorized = (request: IncomingMessage): boolean => {
    const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
    if (!match || !match[1]!.trim()) return false;
    return options.key === undefined || match[1] === options.key;
  };

  const createTask = async (request: IncomingMessage, response: ServerResponse) => {
    const createNumber = ++stats.creates_received;
    options.onCreateReceived?.(createNumber);
    const slow = faults.slowCreate;
    if (slow && createNumber > slow.after) await new Promise((resolve) => setTimeout(resolve, slow.delayMs));
    const rateLimit = faults.rateLimit;
    if (rateLimit && createNumber > rateLimit.after && createNumber <= rateLimit.after + rateLimit.count) {
      stats.rate_limited++;
      return sendJson(response, 429, { message: 'Too many requests' }, { 'retry-after': String(rateLimit.retryAfterSeconds) });
    }
    const redirect = faults.redirectCreate;
    if (redirect) {
      stats.injected_errors++;
      response.writeHead(redirect.status, { location: redirect.location, 'content-length': 0 });
      return void response.end();
    }
    const createError = faults.createError;
    if (createError && createNumber > createError.after && createNumber <= createError.after + createError.count) {
      stats.injected_errors++;
      const seed = findSeedCode(createError.code);
      return sendJson(response, createError.status, seed ? { error: { code: seed.code, message: seed.message } } : { message: 'Bad gateway' });
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(request)).toString('utf8'));
    } catch (error) {
      if ((error as Error).message === 'too large') return sendJson(response, 413, { message: 'Request body too large' });
      return sendJson(response, 400, { message: 'The body is not JSON' });
    }
    if ((body as { model?: unknown })?.model !== 'spark_style_template') {
      return sendJson(response, 400, { message: `Unknown model ${JSON.stringify((body as { model?: unknown })?.model)}` });
    }
    let valid;
    try {
      valid = validateCreate(body);
    } catch (error) {
      if (!(error instanceof ValidationFailure)) throw error;
      return sendJson(response, 400, { error: { code: error.code, message: error.message } });
    }
    stats.tasks_created++;
    const wire = options.wire ?? 'standard';
    const task: EmulatedTask = {
      id: newTaskId(),
      createdAt: now(),
      alias: valid.alias,
      returnUrl: valid.returnUrl,
      failCode: faults.failEvery && stats.tasks_created % faults.failEvery === 0 ? (faults.failCode ?? '003008095') : null,
      result: null,
      renderError: null,
      variant: wire === 'mixed' ? ROTATION[stats.tasks_created % ROTATION.length]! : wire,
    };
    tasks.set(task.id, task);
    const imageSha256 = createHash('sha256').update('base64' in valid.image ? valid.image.base64 : valid.image.url).digest('hex');
    options.onTaskCreated?.(stats.tasks_created, { id: task.id, alias: task.alias, imageSha256 });
    const rendering = render(() => produceResult(task, valid.image, options.plain === true));
    pendingRenders.add(rendering);
    void rendering.finally(() => pendingRenders.delete(rendering));
    // Latency 0 is a synchronous service: the create answer already carries the result.
    if (latencyMs === 0) await rendering;
    const delayAnswer = faults.delayAnswer;
    if (delayAnswer && createNumber > delayAnswer.after) await new Promise((resolve) => setTimeout(resolve, delayAnswer.delayMs));
    await options.beforeCreateAnswer?.(createNumber);
    if (dropsLeft > 0) {
      dropsLeft--;
      request.socket.destroy();
      return;
    }
    sendJson(response, 200, withHostileId(taskView(task)));
  };

  /** faults.hostileTaskId: the answer names the task with an id a client must not trust. */
  const withHostileId = (view: Record<string, unknown>): Record<string, unknown> => {
    if (faults.hostileTaskId === undefined) return view;
    const { id: _id, task_id: _taskId, ...rest } = view;
    return { id: faults.hostileTaskId, ...rest };
  };

  const produceResult = async (task: EmulatedTask, image: { base64: string } | { url: string }, plain: boolean) => {
    try {
      const input = 'base64' in image ? Buffer.from(image.base64, 'base64') : await fetchLoopbackImage(image.url);
      task.result = plain ? input : await renderLook(input, LOOK_OF_ALIAS[task.alias] ?? 'realistic');
    } catch (error) {
      task.renderError = (error as Error).message;
      // A URL the service could not fetch is "HTTP error response"; an image it could not read, a generation error.
      task.failCode ??= 'base64' in image ? '003008095' : '003008097';
    }
  };

  const taskView = (task: EmulatedTask): Record<string, unknown> => {
    const elapsed = now() - task.createdAt;
    const idField = task.variant === 'task-id' ? { task_id: task.id } : { id: task.id };
    const base = { ...idField, model: 'spark_style_template', created_at: Math.floor(task.createdAt / 1000), metadata: {} };
    const rendered = task.result !== null || task.renderError !== null;
    if (elapsed < latencyMs * 0.1 && !(latencyMs === 0)) return { ...base, status: task.variant === 'task-id' ? 'queued' : 'pending' };
    if (faults.neverFinish || elapsed < latencyMs || (!rendered && task.failCode === null)) {
      return { ...base, status: task.variant === 'task-id' ? 'processing' : 'in_progress', progress: Math.min(0.99, Math.round((elapsed / Math.max(1, latencyMs)) * 100) / 100) };
    }
    const failCode = task.failCode ?? (task.renderError !== null ? '003008095' : null);
    if (failCode !== null) {
      const message = faults.hostileMessage ?? findSeedCode(failCode)?.message ?? 'Task failed';
      const error =
        task.variant === 'string-error' ? `${failCode}: ${message}` : task.variant === 'task-id' ? { code: failCode, message } : { code: failCode, error_message: message };
      return { ...base, status: 'failed', error };
    }
    const content: Record<string, unknown> = { type: 'image', size: task.result!.length, jobId: `job-${task.id}` };
    if (task.returnUrl) content.url = `${resultBase}/results/${task.id}/0.jpg`;
    else if (task.variant === 'task-id') content.binary_data_base64 = [task.result!.toString('base64')];
    else content.b64_json = task.result!.toString('base64');
    const cost = 'oddCost' in faults ? faults.oddCost : (options.costPerTask ?? '0.0300');
    const contents = Array.from({ length: Math.max(1, faults.resultsPerTask ?? 1) }, () => content);
    return { ...base, status: 'completed', progress: 1, output: [{ content: contents }], usage: { cost, discount: 0 } };
  };

  const readTask = (taskId: string, response: ServerResponse) => {
    stats.task_reads++;
    options.onTaskRead?.(stats.task_reads);
    if (readErrorsLeft > 0 && faults.readError) {
      readErrorsLeft--;
      stats.injected_errors++;
      return sendJson(response, faults.readError.status, { message: faults.hostileMessage ?? 'Injected read error' });
    }
    if (faults.readBomb === 'gzip') return sendGzipBomb(response, 200, 'application/json');
    if (faults.readBomb === 'endless') return sendEndless(response, 200, 'application/json');
    const task = tasks.get(taskId) ?? (taskId === faults.hostileTaskId ? [...tasks.values()].at(-1) : undefined);
    if (!task || now() - task.createdAt > ttl) return sendJson(response, 404, { message: `Task ${taskId} not found` });
    sendJson(response, 200, withHostileId(taskView(task)));
  };

  const api = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://emulator');
    const route = `${request.method} ${url.pathname}`;
    void (async () => {
      if (route === 'GET /_emulator/stats') return sendJson(response, 200, stats);
      if (route === 'POST /_emulator/faults') {
        applyFaults(JSON.parse((await readBody(request)).toString('utf8') || '{}') as Faults);
        return sendJson(response, 200, faults);
      }
      if (!route.startsWith('GET /model/') && !route.startsWith('POST /model/')) return sendJson(response, 404, { message: 'Not found' });
      if (!authorized(request)) {
        stats.unauthorized++;
        return sendJson(response, 401, { message: 'Invalid or missing API key' });
      }
      if (route === 'POST /model/v1/generation') return createTask(request, response);
      const read = /^GET \/model\/v1\/generation\/task\/([^/]+)$/.exec(route);
      if (read) return readTask(decodeURIComponent(read[1]!), response);
      sendJson(response, 404, { message: 'Not found' });
    })().catch((error: Error) => {
      if (!response.headersSent) sendJson(response, 500, { message: `Emulator error: ${error.message}` });
    });
  });

  const cdn = createServer((request, response) => {
    const match = /^\/results\/([^/]+)\/0\.jpg$/.exec(new URL(request.url ?? '/', 'http://cdn').pathname);
    if (request.headers.authorization !== undefined) stats.result_requests_with_authorization++;
    const task = match ? tasks.get(match[1]!) : undefined;
    if (!task || !task.result || now() - task.createdAt > ttl) return sendJson(response, 404, { message: 'Not found' });
    stats.result_downloads++;
    if (htmlResultsLeft > 0) {
      htmlResultsLeft--;
      stats.injected_errors++;
      const page = '<!DOCTYPE html><html><head><title>Network login</title></head><body>Sign in to continue</body></html>';
      response.writeHead(200, { 'content-type': 'text/html', 'content-length': Buffer.byteLength(page) });
      return response.end(page);
    }
    if (faults.resultBomb) return sendGzipBomb(response, 200, 'image/jpeg');
    if (faults.trickleResults) return sendTrickle(response, task.result, 'image/jpeg', faults.trickleResults.intervalMs);
    response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': task.result.length });
    response.end(task.result);
  });

  let connections = 0;
  api.on('connection', () => options.onConnection?.(++connections));
  const apiPort = await listen(api, host, options.port ?? 8787);
  const cdnPort = await listen(cdn, host, 0);
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  resultBase = `http://${hostInUrl}:${cdnPort}`;
  return {
    url: `http://${hostInUrl}:${apiPort}`,
    resultUrl: resultBase,
    stats: () => ({ ...stats }),
    setFaults: applyFaults,
    rendered: async () => {
      await Promise.allSettled([...pendingRenders]);
    },
    close: async () => {
      api.closeAllConnections();
      cdn.closeAllConnections();
      await Promise.all([new Promise((resolve) => api.close(resolve)), new Promise((resolve) => cdn.close(resolve))]);
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('too large'));
        request.destroy();
      } else chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** The emulator never reaches past this machine: image_urls are fetched only from loopback hosts. */
async function fetchLoopbackImage(url: string): Promise<Buffer> {
  const parsed = new URL(url);
  if (!isLoopbackHost(parsed.hostname) || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new Error('the emulator only fetches image_urls from loopback hosts');
  }
  const response = await fetch(parsed, { signal: AbortSignal.timeout(10_000) });
  if (!response.ok) throw new Error(`image_urls answered ${response.status}`);
  return Buffer.from(await response.arrayBuffer());
}
