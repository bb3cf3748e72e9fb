import type { Clock } from '../core/clock.js';
import { SparkError } from '../core/errors.js';
import { redact, urlPassword, urlWithoutPassword } from '../core/secrets.js';
import { leaseDuration } from './lease.js';
import type { Ledger } from './ledger.js';
import { SqliteLedger } from './sqlite-ledger.js';

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export interface OpenOptions {
  /** The API the run talks to: tasks recorded against another one are not looked up. */
  readonly baseUrl?: string;
  /** How long a lease lasts; else SPARK_STYLE_LEASE_MS from `env`, else a minute. */
  readonly leaseMs?: number;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Database connections at once (a run's concurrency, plus the heartbeat's). */
  readonly connections?: number;
}

/**
 * Opens the ledger at `location`: a postgres:// URL puts it in the database a fleet shares
 * (the pg package is loaded only then), anything else is the path of a SQLite file.
 */
export async function openLedgerAt(location: string, clock: Clock, options: OpenOptions): Promise<Ledger> {
  const leaseMs = options.leaseMs ?? leaseDuration(options.env ?? {});
  if (!isPostgresUrl(location)) return SqliteLedger.open(location, clock, { baseUrl: options.baseUrl, leaseMs });
  const shown = urlWithoutPassword(location);
  try {
    const { PgLedger } = await import('./postgres/pg-ledger.js');
    return await PgLedger.open(location, shown, clock, { baseUrl: options.baseUrl, leaseMs, connections: options.connections });
  } catch (error) {
    throw unreachable(shown, error, urlPassword(location));
  }
}

/** One line naming the database (never its password) and what it said. */
function unreachable(shown: string, error: unknown, password: string | null): SparkError {
  const reason = redact(error instanceof Error ? error.message : String(error), password ?? undefined) || 'no answer';
  return new SparkError('network', `the shared ledger ${shown} cannot be used: ${reason}`, {
    code: 'ledger-unreachable',
    hint: 'check the URL (--ledger, SPARK_STYLE_LEDGER or config ledger), that the database is up and reachable, and the password (PGPASSWORD works too)',
    cause: error,
  });
}
