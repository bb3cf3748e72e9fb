import type { RequestGate } from '../api/client.js';
import { CREATE_POLICY } from '../api/retry.js';
import type { Clock } from '../core/clock.js';

/**
 * Makes a whole batch back off together when the service says 429: every request waits out
 * a shared pause, and the number of items in flight is halved (down to 1). It grows back by
 * one after every `recoverAfter` successful requests once the 429s stop. A Retry-After is
 * honoured up to the retry policy's bound (60 s per wait), the same bound a single request
 * obeys: a server asking for an hour does not freeze the batch for an hour.
 */
export interface AdjustableLimit {
  concurrency: number;
}

export interface RateGateOptions {
  readonly maxConcurrency: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly recoverAfter?: number;
  /** Told whenever the concurrency changes, so people can see the batch slow down and recover. */
  readonly onChange?: (concurrency: number, reason: 'rate-limited' | 'recovered') => void;
  /** The longest shared pause one Retry-After can ask for; default: the retry policy's bound. */
  readonly maxRetryAfterMs?: number;
  /** Told when a Retry-After was longer than the bound and the pause was cut short. */
  readonly onRetryAfterCut?: (askedMs: number, pauseMs: number) => void;
}

export class AdaptiveRateGate implements RequestGate {
  private pausedUntil = 0;
  private strikes = 0;
  private successes = 0;

  constructor(
    private readonly limit: AdjustableLimit,
    private readonly clock: Clock,
    private readonly options: RateGateOptions,
  ) {}

  async whenOpen(signal?: AbortSignal): Promise<void> {
    for (let now = this.clock.now(); now < this.pausedUntil; now = this.clock.now()) {
      await this.clock.sleep(this.pausedUntil - now, signal);
    }
  }

  rateLimited(retryAfterMs: number | null): void {
    this.strikes++;
    this.successes = 0;
    const base = this.options.baseBackoffMs ?? 1000;
    const bound = this.options.maxRetryAfterMs ?? CREATE_POLICY.maxRetryAfterMs;
    if (retryAfterMs !== null && retryAfterMs > bound) this.options.onRetryAfterCut?.(retryAfterMs, bound);
    const backoff = retryAfterMs !== null ? Math.min(bound, retryAfterMs) : Math.min(this.options.maxBackoffMs ?? 30_000, base * 2 ** (this.strikes - 1));
    this.pausedUntil = Math.max(this.pausedUntil, this.clock.now() + backoff);
    const lowered = Math.max(1, Math.floor(this.limit.concurrency / 2));
    if (lowered !== this.limit.concurrency) {
      this.limit.concurrency = lowered;
      this.options.onChange?.(lowered, 'rate-limited');
    }
  }

  succeeded(): void {
    this.strikes = 0;
    if (this.limit.concurrency >= this.options.maxConcurrency) return;
    if (++this.successes >= (this.options.recoverAfter ?? 4)) {
      this.successes = 0;
      this.limit.concurrency = Math.min(this.options.maxConcurrency, this.limit.concurrency + 1);
      this.options.onChange?.(this.limit.concurrency, 'recovered');
    }
  }
}
