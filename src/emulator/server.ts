import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import pLimit, { type LimitFunction } from 'p-limit';
import { fetchLoopbackImage } from './fetch-image.js';
import { LOOK_OF_ALIAS, renderLook } from './effects.js';
import { FaultInjection } from './fault-injection.js';
import type { Faults, WireVariant } from './faults.js';
import { listen, readBody, sendJson } from './http.js';
import { newTaskId, taskView, type EmulatedTask } from './task-view.js';
import { validateCreate, ValidationFailure } from './validate-create.js';

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

const ROTATION = ['standard', 'task-id', 'string-error'] as const;

/** One running emulator's state, shared by its two listeners. */
interface Service {
  readonly options: EmulatorOptions;
  readonly latencyMs: number;
  readonly ttlMs: number;
  readonly now: () => number;
  readonly tasks: Map<string, EmulatedTask>;
  readonly stats: EmulatorStats;
  readonly faults: FaultInjection;
  /** Two pictures render at a time; pendingRenders is what rendered() waits for. */
  readonly render: LimitFunction;
  readonly pendingRenders: Set<Promise<void>>;
  /** The result host's base URL, known once it listens. */
  resultBase: string;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const host = options.host ?? '127.0.0.1';
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
  const service: Service = {
    options,
    latencyMs: options.latencyMs ?? 3000,
    ttlMs: options.resultTtlMs ?? 24 * 60 * 60 * 1000,
    now: options.now ?? Date.now,
    tasks: new Map(),
    stats,
    faults: new FaultInjection(options.faults ?? {}, stats),
    render: pLimit(2),
    pendingRenders: new Set(),
    resultBase: '',
  };
  const api = createServer((request, response) => {
    routeApi(service, request, response).catch((error: Error) => {
      if (!response.headersSent) sendJson(response, 500, { message: `Emulator error: ${error.message}` });
    });
  });
  const cdn = createServer((request, response) => serveResult(service, request, response));
  let connections = 0;
  api.on('connection', () => options.onConnection?.(++connections));
  const apiPort = await listen(api, host, options.port ?? 8787);
  const cdnPort = await listen(cdn, host, 0);
  const hostInUrl = host.includes(':') ? `[${host}]` : host;
  service.resultBase = `http://${hostInUrl}:${cdnPort}`;
  return {
    url: `http://${hostInUrl}:${apiPort}`,
    resultUrl: service.resultBase,
    stats: () => ({ ...stats }),
    setFaults: (faults) => service.faults.set(faults),
    rendered: async () => {
      await Promise.allSettled([...service.pendingRenders]);
    },
    close: async () => {
      api.closeAllConnections();
      cdn.closeAllConnections();
      await Promise.all([new Promise((resolve) => api.close(resolve)), new Promise((resolve) => cdn.close(resolve))]);
    },
  };
}

/** The API listener: the emulator's own two endpoints, then the protocol's two, behind the key. */
async function routeApi(service: Service, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const url = new URL(request.url ?? '/', 'http://emulator');
  const route = `${request.method} ${url.pathname}`;
  if (route === 'GET /_emulator/stats') return sendJson(response, 200, service.stats);
  if (route === 'POST /_emulator/faults') {
    // Only a caller with the key, and never a web page's simple request (text/plain needs no CORS preflight).
    if (!authorized(request, service.options.key)) return sendJson(response, 401, { message: 'Invalid or missing API key' });
    if (!/^application\/json\s*(;|$)/i.test(request.headers['content-type'] ?? '')) return sendJson(response, 415, { message: 'Send the faults as JSON' });
    const faults = parseFaults((await readBody(request)).toString('utf8'));
    // null, an array or a number would break every later request: refused, the faults as they were.
    if (faults === null) return sendJson(response, 400, { message: 'Send the faults as a JSON object, such as {"failEvery": 2}' });
    service.faults.set(faults);
    return sendJson(response, 200, service.faults.current);
  }
  if (!route.startsWith('GET /model/') && !route.startsWith('POST /model/')) return sendJson(response, 404, { message: 'Not found' });
  if (!authorized(request, service.options.key)) {
    service.stats.unauthorized++;
    return sendJson(response, 401, { message: 'Invalid or missing API key' });
  }
  if (route === 'POST /model/v1/generation') return createTask(service, request, response);
  const read = /^GET \/model\/v1\/generation\/task\/([^/]+)$/.exec(route);
  if (read) return readTask(service, decodeURIComponent(read[1]!), response);
  sendJson(response, 404, { message: 'Not found' });
}

function authorized(request: IncomingMessage, key: string | undefined): boolean {
  const match = /^Bearer (.+)$/.exec(request.headers.authorization ?? '');
  if (!match || !match[1]!.trim()) return false;
  return key === undefined || match[1] === key;
}

/** POST /model/v1/generation: validate, make the task, start its picture, answer its first view. */
async function createTask(service: Service, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const { options, stats, faults } = service;
  const createNumber = ++stats.creates_received;
  options.onCreateReceived?.(createNumber);
  if (await faults.answerCreate(createNumber, response)) return;
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
    createdAt: service.now(),
    alias: valid.alias,
    returnUrl: valid.returnUrl,
    failCode: faults.failCodeFor(stats.tasks_created),
    result: null,
    renderError: null,
    variant: wire === 'mixed' ? ROTATION[stats.tasks_created % ROTATION.length]! : wire,
  };
  service.tasks.set(task.id, task);
  const imageSha256 = createHash('sha256')
    .update('base64' in valid.image ? valid.image.base64 : valid.image.url)
    .digest('hex');
  options.onTaskCreated?.(stats.tasks_created, { id: task.id, alias: task.alias, imageSha256 });
  const rendering = service.render(() => produceResult(task, valid.image, options.plain === true));
  service.pendingRenders.add(rendering);
  void rendering.finally(() => service.pendingRenders.delete(rendering));
  // Latency 0 is a synchronous service: the create answer already carries the result.
  if (service.latencyMs === 0) await rendering;
  await faults.delayCreateAnswer(createNumber);
  await options.beforeCreateAnswer?.(createNumber);
  if (faults.takeDroppedCreate()) return void request.socket.destroy();
  sendJson(response, 200, viewOf(service, task));
}

/** GET /model/v1/generation/task/{id}: the task as it stands now; 404 once its results expired. */
function readTask(service: Service, taskId: string, response: ServerResponse): void {
  const { stats, faults, tasks } = service;
  stats.task_reads++;
  service.options.onTaskRead?.(stats.task_reads);
  if (faults.answerRead(response)) return;
  const task = tasks.get(taskId) ?? (faults.isHostileId(taskId) ? [...tasks.values()].at(-1) : undefined);
  if (!task || service.now() - task.createdAt > service.ttlMs) return sendJson(response, 404, { message: `Task ${taskId} not found` });
  sendJson(response, 200, viewOf(service, task));
}

function viewOf(service: Service, task: EmulatedTask): Record<string, unknown> {
  const { faults, options } = service;
  const view = taskView(task, service.now(), {
    latencyMs: service.latencyMs,
    resultBase: service.resultBase,
    costPerTask: options.costPerTask ?? '0.0300',
    faults: faults.current,
  });
  return faults.withHostileId(view);
}

/** The result host (the provider's CDN): serves a finished picture by task id, and counts requests that carry a key. */
function serveResult(service: Service, request: IncomingMessage, response: ServerResponse): void {
  const { stats } = service;
  const match = /^\/results\/([^/]+)\/0\.jpg$/.exec(new URL(request.url ?? '/', 'http://cdn').pathname);
  if (request.headers.authorization !== undefined) stats.result_requests_with_authorization++;
  const task = match ? service.tasks.get(match[1]!) : undefined;
  if (!task?.result || service.now() - task.createdAt > service.ttlMs) return sendJson(response, 404, { message: 'Not found' });
  stats.result_downloads++;
  if (service.faults.answerResult(response, task.result)) return;
  response.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': task.result.length });
  response.end(task.result);
}

async function produceResult(task: EmulatedTask, image: { base64: string } | { url: string }, plain: boolean): Promise<void> {
  try {
    const input = 'base64' in image ? Buffer.from(image.base64, 'base64') : await fetchLoopbackImage(image.url);
    task.result = plain ? input : await renderLook(input, LOOK_OF_ALIAS[task.alias] ?? 'film-grade');
  } catch (error) {
    task.renderError = (error as Error).message;
    // A URL the service could not fetch is "HTTP error response"; an image it could not read, a generation error.
    task.failCode ??= 'base64' in image ? '003008095' : '003008097';
  }
}

/** The body of POST /_emulator/faults as an object (empty means none), or null when it is not one. */
function parseFaults(text: string): Faults | null {
  let value: unknown;
  try {
    value = JSON.parse(text || '{}');
  } catch {
    return null;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Faults) : null;
}
