import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthenticationError, NetworkError, OutcomeUnknownError, ProtocolError, RateLimitError, ServerError } from '../../src/api/errors.js';
import { backoffDelay, CREATE_POLICY, isRetryableRead, isSafeToRetryCreate, parseRetryAfter, READ_POLICY, withRetries } from '../../src/api/retry.js';
import { systemClock } from '../../src/core/clock.js';
import { fakeClock } from '../helpers/fake-clock.js';

const midJitter = () => 0.5; // the middle of the jitter range: delays come out exact

describe('backoffDelay', () => {
  it('doubles from the base up to the cap, spread by the jitter', () => {
    expect([1, 2, 3, 4, 5, 6].map((retry) => backoffDelay(READ_POLICY, retry, midJitter))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
    expect(backoffDelay(READ_POLICY, 1, () => 0)).toBe(400);
    expect(backoffDelay(READ_POLICY, 1, () => 1)).toBe(600);
  });

  it('honours Retry-After, up to its bound', () => {
    expect(backoffDelay(READ_POLICY, 1, midJitter, 3000)).toBe(3000);
    expect(backoffDelay(READ_POLICY, 1, midJitter, 3_600_000)).toBe(60_000);
  });
});

describe('what is retried', () => {
  const server = (status: number) => new ServerError(status, 'x');
  it('reads: network, 408, 429, 5xx and unreadable answers; not 401', () => {
    expect(isRetryableRead(new NetworkError('reset', { sent: true }))).toBe(true);
    expect(isRetryableRead(new ProtocolError('garbled'))).toBe(true);
    expect(isRetryableRead(server(500))).toBe(true);
    expect(isRetryableRead(new RateLimitError(429, 'slow'))).toBe(true);
    expect(isRetryableRead(new AuthenticationError(401, 'no'))).toBe(false);
  });

  it('creates: only 429, 503, a connection never made, or 003008099', () => {
    expect(isSafeToRetryCreate(new RateLimitError(429, 'slow'))).toBe(true);
    expect(isSafeToRetryCreate(server(503))).toBe(true);
    expect(isSafeToRetryCreate(new NetworkError('refused', { sent: false }))).toBe(true);
    expect(isSafeToRetryCreate(new ServerError(500, 'x', { seedCode: '003008099' }))).toBe(true);
    expect(isSafeToRetryCreate(server(502))).toBe(false);
    expect(isSafeToRetryCreate(server(500))).toBe(false);
    expect(isSafeToRetryCreate(new NetworkError('reset', { sent: true }))).toBe(false);
    expect(isSafeToRetryCreate(new OutcomeUnknownError('timeout'))).toBe(false);
  });
});

describe('withRetries', () => {
  it('waits the policy delays between attempts and stops at the attempt limit', async () => {
    const clock = fakeClock();
    let attempts = 0;
    const failing = withRetries(
      async () => {
        attempts++;
        throw new ServerError(500, 'down');
      },
      READ_POLICY,
      isRetryableRead,
      { clock, random: midJitter },
    );
    await expect(failing).rejects.toThrow('down');
    expect(attempts).toBe(6);
    expect(clock.sleeps).toEqual([500, 1000, 2000, 4000, 8000]);
  });

  it('returns the first success', async () => {
    const clock = fakeClock();
    let attempts = 0;
    const value = await withRetries(
      async () => {
        if (++attempts < 3) throw new NetworkError('reset', { sent: true });
        return 'ok';
      },
      READ_POLICY,
      isRetryableRead,
      { clock, random: midJitter },
    );
    expect(value).toBe('ok');
    expect(attempts).toBe(3);
    expect(clock.sleeps).toEqual([500, 1000]);
  });

  it('does not retry what is not retryable', async () => {
    const clock = fakeClock();
    let attempts = 0;
    await expect(
      withRetries(
        async () => {
          attempts++;
          throw new AuthenticationError(401, 'bad key');
        },
        READ_POLICY,
        isRetryableRead,
        { clock, random: midJitter },
      ),
    ).rejects.toBeInstanceOf(AuthenticationError);
    expect(attempts).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('uses Retry-After from a 429', async () => {
    const clock = fakeClock();
    let attempts = 0;
    await withRetries(
      async () => {
        if (++attempts === 1) {
          const error = new RateLimitError(429, 'slow down');
          error.retryAfterMs = 7000;
          throw error;
        }
        return 'ok';
      },
      CREATE_POLICY,
      isSafeToRetryCreate,
      { clock, random: midJitter },
    );
    expect(clock.sleeps).toEqual([7000]);
  });

  it('schedules no retry past the deadline', async () => {
    const clock = fakeClock(0);
    let attempts = 0;
    await expect(
      withRetries(
        async () => {
          attempts++;
          throw new ServerError(502, 'bad gateway');
        },
        READ_POLICY,
        isRetryableRead,
        { clock, random: midJitter, deadline: 2000 },
      ),
    ).rejects.toThrow('bad gateway');
    expect(clock.sleeps).toEqual([500, 1000]);
    expect(attempts).toBe(3);
  });

  describe('with the system clock under fake timers', () => {
    afterEach(() => vi.useRealTimers());
    it('sleeps through real timers, which fake time drives', async () => {
      vi.useFakeTimers();
      let attempts = 0;
      const done = withRetries(
        async () => {
          if (++attempts < 3) throw new NetworkError('refused', { sent: false });
          return attempts;
        },
        CREATE_POLICY,
        isSafeToRetryCreate,
        { clock: systemClock, random: midJitter },
      );
      await vi.advanceTimersByTimeAsync(999);
      expect(attempts).toBe(1);
      await vi.advanceTimersByTimeAsync(1);
      expect(attempts).toBe(2);
      await vi.advanceTimersByTimeAsync(2000);
      await expect(done).resolves.toBe(3);
    });
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('2', 0)).toBe(2000);
    expect(parseRetryAfter(new Date(60_000).toUTCString(), 0)).toBe(60_000);
    expect(parseRetryAfter(undefined, 0)).toBeNull();
    expect(parseRetryAfter('soon', 0)).toBeNull();
  });
});
