import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { Ledger } from '../ledger/ledger.js';
import { SqliteLedger } from '../ledger/sqlite-ledger.js';
import { isPostgresUrl, openLedgerAt } from '../ledger/open-ledger.js';
import { JOURNAL_NAME } from '../ledger/migrate-journal.js';
import type { ConnectFunction, ConnectionTarget } from './connection.js';
import type { RunDefaults } from './run-options.js';

/** Everything a client was created with, resolved once: shared by every method. */
export interface EngineState {
  readonly clock: Clock;
  /** The folder of ledger.db and rescued/. */
  readonly stateDir: string;
  /** A ledger elsewhere: a postgres:// URL a fleet shares, or a ledger file; null: ledger.db in stateDir. */
  readonly ledger: string | null;
  /** How long a worker's lease on an item lasts (SPARK_STYLE_LEASE_MS); undefined: a minute. */
  readonly leaseMs?: number;
  readonly target: ConnectionTarget;
  readonly connect: ConnectFunction;
  readonly defaults: RunDefaults;
  readonly log?: (line: string) => void;
  /** Offline: one ledger in memory for the client's life, so the same call twice pays once there too. */
  memoryLedger: Ledger | null;
}

function ledgerFile(state: Pick<EngineState, 'stateDir'>): string {
  return join(state.stateDir, 'ledger.db');
}

/** Where the ledger is: the one given (a database URL or a file), else ledger.db in the state folder. */
export function ledgerLocation(state: Pick<EngineState, 'stateDir' | 'ledger'>): string {
  return state.ledger ?? ledgerFile(state);
}

export function rescueFolder(state: Pick<EngineState, 'stateDir'>): string {
  return join(state.stateDir, 'rescued');
}

/** A ledger for one operation, and how to let it go. */
export interface LedgerHandle {
  readonly ledger: Ledger;
  close(): Promise<void>;
}

/**
 * The ledger an operation works with, always WITH the origin of the API it talks to (tasks
 * recorded against another one are not looked up): in memory offline (the emulator's tasks die
 * with the client), else the file in the state folder. `lookOnly` (plans, history): with no
 * ledger and no old journal on disk yet, an empty one in memory, so that looking leaves no file.
 */
export async function openLedger(state: EngineState, options: { lookOnly: boolean; concurrency?: number }): Promise<LedgerHandle> {
  if (state.target.offline) {
    state.memoryLedger ??= SqliteLedger.inMemory(state.clock);
    return { ledger: state.memoryLedger, close: async () => undefined };
  }
  const location = ledgerLocation(state);
  if (!isPostgresUrl(location) && options.lookOnly && !existsSync(location) && !existsSync(join(dirname(location), JOURNAL_NAME))) {
    const ledger = SqliteLedger.inMemory(state.clock);
    return { ledger, close: () => ledger.close() };
  }
  // A shared database: one connection per item in flight, one for the heartbeat, one for the budget.
  const connections = (options.concurrency ?? 1) + 2;
  const ledger = await openLedgerAt(location, state.clock, { baseUrl: originOf(state), leaseMs: state.leaseMs, connections });
  return { ledger, close: () => ledger.close() };
}

/** The API's base URL when it can be known without failing (a bad URL fails where the network is needed). */
function originOf(state: EngineState): string | undefined {
  try {
    return state.target.baseUrl();
  } catch {
    return undefined;
  }
}
