import got, { type Got, RequestError, TimeoutError as GotTimeoutError } from 'got';
import { systemClock, type Clock } from '../core/clock.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { findSeedCode } from '../catalog/error-codes.js';
import { describeBytes, fetchBounded, MAX_API_ANSWER_BYTES, type AnswerLimit } from './bounded-body.js';
import {
  AnswerTooLargeError,
  type ApiError,
  apiErrorFor,
  NetworkError,
  OutcomeUnknownError,
  ProtocolError,
  RequestTimeoutError,
  ServerError,
  TaskNotFoundError,
} from './errors.js';
import { describeProxy, proxyAgentsFor } from './proxy.js';
import { CREATE_POLICY, NOT_FOUND_POLICY, READ_POLICY, backoffDelay, isRetryableRead, isSafeToRetryCreate, parseRetryAfter, withRetries } from './retry.js';
import { isValidTaskId, parseErrorBody, parseTask, type ResultImage, type Task } from './wire.js';
import type { CreateBody } from './request-body.js';

/** A create body: an object (small, tests) or the encoded JSON bytes (encodeCreateBody). */
export type CreatePayload = CreateBody | Buffer;

/**
 * Lets a batch coordinate its requests: wait while the service is rate limiting us, and
 * learn about every 429 and every success. A single request needs none of it.
 */
export interface RequestGate {
  whenOpen(signal?: AbortSignal): Promise<void>;
  rateLimited(retryAfterMs: number | null): void;
  succeeded(): void;
}

const OPEN_GATE: RequestGate = { whenOpen: async () => undefined, rateLimited: () => undefined, succeeded: () => undefined };

export interface ClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Where the key came from (--api-key, SPARK_STYLE_API_KEY, VTRIX_API_KEY, config): a 401's hint says where to look. */
  readonly keySource?: string;
  readonly clock?: Clock;
  readonly random?: () => number;
  /** Verbose log lines (method, URL, status, time); never headers or bodies. */
  readonly log?: (line: string) => void;
  readonly gate?: RequestGate;
  readonly requestTimeoutMs?: number;
  /** Uploads carry up to ~7 MB of base64, so a create gets longer than a read. */
  readonly createTimeoutMs?: number;
  readonly downloadTimeoutMs?: number;
  readonly maxDownloadBytes?: number;
  /** Any API answer (a task, an error), counted after decompression; a task answer carrying an inline image gets room for it. */
  readonly maxAnswerBytes?: number;
  /** The least time a download gets when the deadline is near (default 10 s). */
  readonly minDownloadMs?: number;
}

export interface CallOptions {
  /** Aborts the request on the wire and every wait. A create takes `waitSignal` instead. */
  readonly signal?: AbortSignal;
  /**
   * Creates only: aborts the waits between attempts (a retry's back-off, the shared 429
   * pause) but never a request already sent, whose answer must be recorded.
   */
  readonly waitSignal?: AbortSignal;
  /** Epoch ms after which no retry is scheduled. */
  readonly deadline?: number;
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

const DEFAULT_MAX_DOWNLOAD_BYTES = 50 * 1024 * 1024;

/** The least time a download gets, even when the run's deadline is closer: at most this much past --timeout. */
const MIN_DOWNLOAD_MS = 10_000;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL']);
const NOT_SENT_TIMEOUT_EVENTS = new Set(['lookup', 'connect', 'secureConnect']);

export class SparkClient {
  private readonly api: Got;
  private readonly downloads: Got;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly gate: RequestGate;
  private readonly options: ClientOptions;
  /**
   * Whether the API has answered anything (any HTTP status) since this client was made. Until it
   * has, a refused connection or an unknown host is a wrong address or a service that is down,
   * not a blip: retrying with back-off only made the first run wait 15 s for the same answer.
   */
  private answered = false;

  constructor(options: ClientOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.gate = options.gate ?? OPEN_GATE;
    const apiOrigin = new URL(options.baseUrl).origin;
    this.api = got.extend({
      prefixUrl: options.baseUrl,
      agent: proxyAgentsFor(options.baseUrl),
      headers: { authorization: `Bearer ${options.apiKey}`, 'user-agent': 'spark-style' },
      retry: { limit: 0 },
      throwHttpErrors: false,
      hooks: {
        beforeRedirect: [
          (updated) => {
            // got drops the key when the host changes; we also drop it on a scheme change (https -> http).
            if (new URL(updated.url as URL).origin !== apiOrigin) delete updated.headers.authorization;
          },
        ],
      },
    });
    options.log?.(`API ${apiOrigin}: ${describeProxy(options.baseUrl)}`);
    // Result URLs point at a CDN: a separate instance that has never seen the key.
    this.downloads = got.extend({ retry: { limit: 0 }, throwHttpErrors: false, headers: { 'user-agent': 'spark-style' } });
  }

  /**
   * POST a create. Retried only when the answer proves nothing was created; otherwise "outcome
   * unknown". An InterruptedError from here means `waitSignal` stopped a wait before the next
   * attempt: every earlier attempt proved nothing was created, so no task exists (unless
   * `signal`, which aborts a request on the wire, was given too).
   */
  async createTask(body: CreatePayload, call: CallOptions = {}): Promise<Task> {
    const waitSignal = call.waitSignal ?? call.signal;
    return withRetries(
      async () => {
        let response: RawResponse;
        try {
          response = await this.send('POST', 'model/v1/generation', body, call.signal, this.options.createTimeoutMs ?? 120_000, waitSignal);
        } catch (error) {
          if (error instanceof NetworkError && error.sent) throw new OutcomeUnknownError(error.message, error);
          // The server answered, so a task may exist; only the answer is unreadable.
          if (error instanceof AnswerTooLargeError) throw new OutcomeUnknownError(error.message, error);
          throw error;
        }
        if (REDIRECT_STATUSES.has(response.status)) {
          // Never followed: the photo and a paid request would go to a host nobody configured.
          const target = describeLocation(response.headers.location);
          throw new ProtocolError(
            `the create was answered with a redirect (HTTP ${response.status}${target}); spark-style never re-sends a photo to another address`,
          );
        }
        if (response.status >= 200 && response.status < 300) {
          try {
            return parseTask(JSON.parse(response.body));
          } catch (error) {
            throw new OutcomeUnknownError(`the answer could not be read: ${(error as Error).message}`, error);
          }
        }
        const apiError = this.errorFor(response);
        if (isSafeToRetryCreate(apiError) || !(apiError instanceof ServerError)) throw apiError;
        // A 5xx without proof (no 003008099): the gateway may have created the task before failing.
        throw new OutcomeUnknownError(`HTTP ${response.status}: ${apiError.message}`, apiError);
      },
      CREATE_POLICY,
      isSafeToRetryCreate,
      { clock: this.clock, random: this.random, signal: waitSignal, deadline: call.deadline, onRetry: call.onRetry },
    );
  }

  /**
   * GET a task. Idempotent, so retried on anything transient. A 404 is asked again (NOT_FOUND_POLICY)
   * and thrown `confirmed` only when every read answered 404; a deadline or Ctrl-C that cuts the
   * asking short throws it unconfirmed.
   */
  async getTask(taskId: string, call: CallOptions = {}): Promise<Task> {
    if (!isValidTaskId(taskId)) {
      throw new UsageError(`"${taskId.slice(0, 60)}" is not a task id (1-128 letters, digits, _ or -)`, { code: 'task-id' });
    }
    for (let notFound = 1; ; notFound++) {
      try {
        return await this.readTask(taskId, call);
      } catch (error) {
        if (!(error instanceof TaskNotFoundError)) throw error;
        if (notFound >= NOT_FOUND_POLICY.maxAttempts) {
          error.confirmed = true;
          throw error;
        }
        const delayMs = backoffDelay(NOT_FOUND_POLICY, notFound, this.random);
        if ((call.deadline !== undefined && this.clock.now() + delayMs > call.deadline) || call.signal?.aborted) throw error;
        call.onRetry?.({ attempt: notFound, delayMs, error });
        await this.clock.sleep(delayMs, call.signal);
      }
    }
  }

  private async readTask(taskId: string, call: CallOptions): Promise<Task> {
    return withRetries(
      async () => {
        const response = await this.send(
          'GET',
          `model/v1/generation/task/${encodeURIComponent(taskId)}`,
          undefined,
          call.signal,
          this.options.requestTimeoutMs ?? 30_000,
        );
        if (response.status < 200 || response.status >= 300) {
          const error = this.errorFor(response);
          if (error instanceof TaskNotFoundError) {
            throw new TaskNotFoundError(404, `task ${taskId} is unknown to the server (results expire after 24 hours)`, {
              seedCode: error.seedCode,
              hint: 'run the same stylize command again to create a new task',
            });
          }
          throw error;
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(response.body);
        } catch (error) {
          throw new ProtocolError(`task ${taskId}: the answer is not JSON`, error);
        }
        // The task we asked for, whatever id the answer claims.
        return parseTask(parsed, taskId);
      },
      READ_POLICY,
      isRetryableRead,
      { clock: this.clock, random: this.random, signal: call.signal, deadline: call.deadline, onRetry: call.onRetry },
    );
  }

  /** The bytes of one result: decoded from base64, or downloaded without the Authorization header. */
  async downloadResult(result: ResultImage, call: CallOptions = {}): Promise<Buffer> {
    const maxBytes = this.options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
    if (result.kind === 'base64') {
      const bytes = Buffer.from(result.base64, 'base64');
      if (bytes.length === 0) throw new ProtocolError('the task returned an empty inline image');
      if (bytes.length > maxBytes) throw new AnswerTooLargeError(`the inline result is over the ${describeBytes(maxBytes)} limit`);
      return bytes;
    }
    let url: URL;
    try {
      url = new URL(result.url);
    } catch {
      throw new ProtocolError(`the result URL "${result.url.slice(0, 100)}" is not a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ProtocolError(`refusing a result URL with scheme ${url.protocol}`);
    return withRetries(() => this.fetchBytes(url, maxBytes, call.signal, call.deadline), READ_POLICY, isRetryableRead, {
      clock: this.clock,
      random: this.random,
      signal: call.signal,
      deadline: call.deadline,
      onRetry: call.onRetry,
    });
  }

  private async fetchBytes(url: URL, maxBytes: number, signal: AbortSignal | undefined, deadline: number | undefined): Promise<Buffer> {
    const started = this.clock.now();
    // The run's deadline bounds every attempt too: a host trickling a byte at a time cannot hold the run past it.
    // A result that is ready just at the deadline still gets a short grace to arrive.
    const untilDeadline = deadline === undefined ? Infinity : Math.max(this.options.minDownloadMs ?? MIN_DOWNLOAD_MS, deadline - started);
    const timeoutMs = Math.min(this.options.downloadTimeoutMs ?? 120_000, untilDeadline);
    let response;
    try {
      response = await fetchBounded(
        this.downloads,
        url,
        { signal, agent: proxyAgentsFor(url), timeout: { request: timeoutMs } },
        { bytes: maxBytes },
        `the result at ${url.host}`,
      );
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      throw this.transportError(error, 'GET', url.href, signal);
    }
    this.options.log?.(`GET ${redactQuery(url)} -> ${response.status} (${this.clock.now() - started} ms, ${response.body.length} bytes)`);
    if (response.status < 200 || response.status >= 300)
      throw this.errorFor({ status: response.status, headers: response.headers, body: response.body.toString('utf8', 0, 2000) });
    return response.body;
  }

  private async send(
    method: 'GET' | 'POST',
    path: string,
    payload: CreatePayload | undefined,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    waitSignal: AbortSignal | undefined = signal,
  ): Promise<RawResponse> {
    await this.gate.whenOpen(waitSignal);
    // Stopped while the batch waited out a 429 pause: this attempt is not sent.
    if (waitSignal?.aborted) throw new InterruptedError();
    const started = this.clock.now();
    const url = `${this.options.baseUrl}/${path}`;
    this.options.log?.(`${method} ${url}`);
    try {
      const body =
        payload === undefined ? {} : Buffer.isBuffer(payload) ? { body: payload, headers: { 'content-type': 'application/json' } } : { json: payload };
      // A create never follows a redirect; a read may (the key is dropped off our origin).
      const response = await fetchBounded(
        this.api,
        path,
        { method, signal, timeout: { request: timeoutMs }, followRedirect: method === 'GET', ...body },
        this.answerLimit(),
        `the answer to ${method} ${new URL(url).pathname}`,
      );
      this.options.log?.(`${method} ${url} -> ${response.status} (${this.clock.now() - started} ms)`);
      this.answered = true;
      if (response.status === 429) this.gate.rateLimited(parseRetryAfter(response.headers['retry-after'], this.clock.now()));
      else if (response.status < 500) this.gate.succeeded();
      return { status: response.status, headers: response.headers, body: response.body.toString('utf8') };
    } catch (error) {
      if (error instanceof ProtocolError) throw error;
      throw this.transportError(error, method, url, signal);
    }
  }

  private transportError(error: unknown, method: string, url: string, signal: AbortSignal | undefined): Error {
    if (signal?.aborted) return new InterruptedError();
    if (error instanceof GotTimeoutError) {
      const sent = !NOT_SENT_TIMEOUT_EVENTS.has(error.event);
      this.options.log?.(`${method} ${url} -> timed out (${error.event})`);
      return new RequestTimeoutError(`${method} ${new URL(url).host}: no answer in time (${error.event})`, { sent, code: 'timeout', cause: error });
    }
    if (error instanceof RequestError) {
      const code = error.code ?? 'network';
      this.options.log?.(`${method} ${url} -> ${code}`);
      const tls = code.startsWith('ERR_TLS') || code.includes('CERT') || code.includes('SELF_SIGNED');
      if (!this.answered && NOT_SENT_CODES.has(code)) return neverReachedError(this.options.baseUrl, code, error);
      return new NetworkError(`${method} ${new URL(url).host}: ${describeNetworkCode(code, error.message)}`, {
        sent: !NOT_SENT_CODES.has(code) && !tls,
        transient: !tls,
        code,
        cause: error,
        hint: tls
          ? 'the server certificate did not verify; spark-style keeps TLS verification on (check --base-url, or NODE_EXTRA_CA_CERTS for a private CA)'
          : undefined,
      });
    }
    return error instanceof Error ? error : new Error(String(error));
  }

  /** 1 MB for any answer; room for one inline result (base64, at the download cap) when a task answer carries one. */
  private answerLimit(): AnswerLimit {
    const bytes = this.options.maxAnswerBytes ?? MAX_API_ANSWER_BYTES;
    const inline = Math.ceil(((this.options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES) * 4) / 3);
    return { bytes, inlineBytes: bytes + inline };
  }

  /** The typed error for an HTTP error answer, with the seed code from the body when there is one. */
  private errorFor(response: RawResponse): ApiError {
    const parsed = parseErrorBody(response.body);
    const seed = findSeedCode(parsed.code);
    return apiErrorFor(response.status, `HTTP ${response.status}: ${seed ? `${seed.code} ${seed.message}` : parsed.message}`, {
      seedCode: parsed.code,
      requestId: parsed.requestId,
      retryAfterMs: parseRetryAfter(response.headers['retry-after'], this.clock.now()),
      keySource: this.options.keySource,
    });
  }
}

/** No answer yet in this run and none coming: one line with the address and the next step, and no retry. */
function neverReachedError(baseUrl: string, code: string, cause: unknown): NetworkError {
  const why = code === 'ECONNREFUSED' ? 'connection refused' : code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'host name not found' : `unreachable (${code})`;
  return new NetworkError(`cannot reach ${displayUrl(baseUrl)}: ${why}; check --base-url and your network, or run \`spark-style doctor\``, {
    sent: false,
    transient: false,
    code,
    cause,
  });
}

/** A base URL for a message: without any user:password it may carry. */
function displayUrl(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    url.username = '';
    url.password = '';
    return url.href.replace(/\/$/, '');
  } catch {
    return baseUrl;
  }
}

function describeNetworkCode(code: string, fallback: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (is the service reachable? check --base-url)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host name not found (check --base-url and your network)';
    case 'ECONNRESET':
      return 'the connection was reset';
    default:
      return fallback;
  }
}

/** Signed CDN URLs carry tokens in the query string: keep them out of logs. */
function redactQuery(url: URL): string {
  return url.search ? `${url.origin}${url.pathname}?…` : url.href;
}

/** Where a redirect pointed, for the message: the host only (a path may carry tokens). */
function describeLocation(location: string | string[] | undefined): string {
  const value = Array.isArray(location) ? location[0] : location;
  if (!value) return '';
  try {
    return ` to ${new URL(value).host.slice(0, 100)}`;
  } catch {
    return '';
  }
}
