import pg from 'pg';
import { COLLECTABLE_FOR_MS } from '../item-key.js';
import { SCHEMA_VERSION, schemaVersion } from './pg-schema.js';

/** What `doctor` learns about a shared ledger, changing nothing in it. */
export interface SharedLedgerFacts {
  readonly server: string;
  /** The tables' version: 0 when no run has created them yet. */
  readonly version: number;
  readonly current: number;
  /** Null when this user may write (tried inside a transaction that is rolled back), else why not. */
  readonly cannotWrite: string | null;
  readonly counts: { open: number; unknown: number } | null;
}

export async function probeSharedLedger(url: string, now: number): Promise<SharedLedgerFacts> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const server = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version;
    const version = await schemaVersion(client);
    const cannotWrite = await tryWrite(client, version > 0);
    const counts = version > 0 ? await countTasks(client, now) : null;
    return { server, version, current: SCHEMA_VERSION, cannotWrite, counts };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A write that is rolled back: into the tables when they exist, else the CREATE a first run needs. */
async function tryWrite(client: pg.Client, tablesExist: boolean): Promise<string | null> {
  try {
    await client.query('BEGIN');
    if (tablesExist) await client.query("INSERT INTO spark_meta (name, value) VALUES ('doctor-write-check', 'x') ON CONFLICT (name) DO UPDATE SET value = 'x'");
    else await client.query('CREATE TABLE spark_doctor_write_check (x INTEGER)');
    return null;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.query('ROLLBACK').catch(() => undefined);
  }
}

async function countTasks(client: pg.Client, now: number): Promise<{ open: number; unknown: number }> {
  const { rows } = await client.query<{ open: string; unknown: string }>(
    `SELECT (SELECT COUNT(*) FROM spark_attempts WHERE status = 'open' AND intent_at >= $1) AS open,
            (SELECT COUNT(*) FROM spark_attempts AS a WHERE status = 'unknown' AND id = (SELECT MAX(id) FROM spark_attempts AS b WHERE b.key = a.key)) AS unknown`,
    [now - COLLECTABLE_FOR_MS],
  );
  return { open: Number(rows[0]!.open), unknown: Number(rows[0]!.unknown) };
}
