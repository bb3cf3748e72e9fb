import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { currentProcess, isAlive, type ProcessIdentity } from './process-marker.js';

/**
 * A claim on an item is a lease: held by one worker (a random id, its host, its process) until
 * an expiry that a heartbeat keeps pushing forward while the item is worked on. A worker that
 * dies stops renewing, and once the lease lapses another worker may take the item over. On the
 * holder's own host a dead process is known at once (its pid is gone), so a run killed on one
 * machine can be resumed there without waiting out the lease.
 */
export interface Worker extends ProcessIdentity {
  /** Random, new for every run: two runs never share it, whatever their pids or hosts. */
  readonly id: string;
  readonly host: string;
}

/** What a claims row records about its holder. */
export interface LeaseHolder {
  readonly worker: string;
  readonly host: string;
  readonly pid: number;
  readonly marker: string;
  readonly expiresAt: number;
}

/** A minute: long enough for a busy database or a paused VM, short enough that a dead worker's items come back soon. */
export const DEFAULT_LEASE_MS = 60_000;

export function thisWorker(): Worker {
  return { ...currentProcess(), id: randomBytes(6).toString('hex'), host: hostname() };
}

/** SPARK_STYLE_LEASE_MS (at least a second), else the default. */
export function leaseDuration(env: Readonly<Record<string, string | undefined>>): number {
  const value = Number(env.SPARK_STYLE_LEASE_MS);
  return Number.isInteger(value) && value >= 1000 ? value : DEFAULT_LEASE_MS;
}

export function describeHolder(holder: Pick<LeaseHolder, 'worker' | 'host' | 'pid'>): string {
  return `worker ${holder.worker} on ${holder.host}, pid ${holder.pid}`;
}

/** Whether a lease still keeps others out: not lapsed, and (on this host) its process still running. */
export function leaseIsLive(holder: LeaseHolder, me: Worker, now: number): boolean {
  if (holder.worker === me.id) return true;
  if (holder.expiresAt <= now) return false;
  if (holder.host === me.host && !isAlive({ pid: holder.pid, marker: holder.marker })) return false;
  return true;
}

/**
 * Renews this worker's leases every third of their duration while any is held. A real timer,
 * unref'd (it never keeps a finished run alive); the expiry it writes comes from the injected clock.
 */
export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly everyMs: number,
    private readonly renew: () => Promise<void>,
    private readonly onError: (error: unknown) => void = () => {},
  ) {}

  /** Called whenever the number of leases held changes. */
  holding(count: number): void {
    if (count > 0 && this.timer === null) {
      this.timer = setInterval(() => void this.renew().catch(this.onError), this.everyMs);
      this.timer.unref();
    } else if (count === 0) this.stop();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }
}
