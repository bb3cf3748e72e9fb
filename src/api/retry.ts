import type { Clock } from '../core/clock.js';
import { InterruptedError } from '../core/errors.js';
import { findSeedCode } from '../catalog/error-codes.js';
import { AnswerTooLargeError, ApiError, NetworkError, ProtocolError, RateLimitError, ServerError } from './errors.js';

/**
 * The one retry policy: what is retried, how long to wait, how many times.
 * Reads are idempotent and retried freely; a create costs money and is retried only when
 * the answer proves that nothing was created.
 */
interface BackoffPolicy {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A server's Retry-After is honoured up to this bound. */
  readonly maxRetryAfterMs: number;
  /** Each delay is spread by +-jitterRatio so that parallel clients do not retry in step. */
  readonly jitterRatio: number;
}

export const READ_POLICY: BackoffPolicy = { maxAttempts: 6, baseDelayMs: 500, maxDelayMs: 8_000, maxRetryAfterMs: 60_000, jitterRatio: 0.2 };
/**
 * A 404 on a task read is believed only when it repeats: a gateway blip, a proxy's own 404 or a
 * replica that has not seen a new task yet must not make a paid task "expired". The reads that
 * must all answer 404, and the waits between them (2 s, then 4 s).
 */
export const NOT_FOUND_POLICY: BackoffPolicy = { maxAttempts: 3, baseDelayMs: 2_000, maxDelayMs: 8_000, maxRetryAfterMs: 0, jitterRatio: 0.2 };
export const CREATE_POLICY: BackoffPolicy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 16_000, maxRetryAfterMs: 60_000, jitterRatio: 0.2 };

/** The wait before retry number `retry` (1 for the first retry). */
export function backoffDelay(policy: BackoffPolicy, retry: number, random: () => number, retryAfterMs: number | null = null): number {
  if (retryAfterMs !== null) return Math.min(policy.maxRetryAfterMs, Math.max(0, retryAfterMs));
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const spread = 1 - policy.jitterRatio + 2 * policy.jitterRatio * random();
  return Math.round(exponential * spread);
}

/** Status reads and downloads: network trouble, 408, 429, 5xx and unreadable answers, but never an oversized one. */
export function isRetryableRead(error: unknown): boolean {
  if (error instanceof AnswerTooLargeError) return false;
  if (error instanceof NetworkError) return error.transient;
  if (error instanceof ProtocolError) return true;
  if (error instanceof ApiError) return error.status === 408 || error.status === 429 || error.status >= 500;
  return false;
}

/** A create is retried only when nothing can have been created: 429, 503, a refused connection, or 003008099. */
export function isSafeToRetryCreate(error: unknown): boolean {
  if (error instanceof RateLimitError) return true;
  if (error instanceof ServerError && error.status === 503) return true;
  if (error instanceof NetworkError) return !error.sent && error.transient;
  if (error instanceof ApiError) return findSeedCode(error.seedCode)?.handling === 'retry-create';
  return false;
}

interface RetryContext {
  readonly clock: Clock;
  readonly random: () => number;
  readonly signal?: AbortSignal;
  /** Epoch ms; no retry is scheduled past it. */
  readonly deadline?: number;
  onRetry?(info: { attempt: number; delayMs: number; error: unknown }): void;
}

export async function withRetries<T>(
  operation: (attempt: number) => Promise<T>,
  policy: BackoffPolicy,
  shouldRetry: (error: unknown) => boolean,
  context: RetryContext,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (context.signal?.aborted) throw new InterruptedError();
    try {
      return await operation(attempt);
    } catch (error) {
      if (error instanceof InterruptedError || attempt >= policy.maxAttempts || !shouldRetry(error)) throw error;
      const retryAfterMs = error instanceof RateLimitError ? error.retryAfterMs : null;
      const delayMs = backoffDelay(policy, attempt, context.random, retryAfterMs);
      if (context.deadline !== undefined && context.clock.now() + delayMs > context.deadline) throw error;
      context.onRetry?.({ attempt, delayMs, error });
      await context.clock.sleep(delayMs, context.signal);
    }
  }
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(header: string | string[] | undefined, now: number): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
