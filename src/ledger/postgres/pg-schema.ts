import type { PoolClient } from 'pg';

/**
 * The shared ledger's tables, prefixed so that they can live in a database that holds other
 * things. The same rows as the SQLite ledger (schema.ts), plus `spark_spend`: the fleet's
 * --budget, one row per task reserved or paid. Bump SCHEMA_VERSION and add a step when the
 * layout changes: every step runs under one advisory lock, so a hundred workers starting at
 * once migrate it exactly once, and the others wait, then see it done.
 */
export const SCHEMA_VERSION = 1;

/** The advisory lock that serializes schema changes (any fixed number, the same for every version). */
const MIGRATION_LOCK = 5_161_102_417;

const STEPS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS spark_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE IF NOT EXISTS spark_attempts (
     id BIGSERIAL PRIMARY KEY,
     key TEXT NOT NULL,
     input TEXT NOT NULL,
     input_sha256 TEXT NOT NULL,
     style TEXT NOT NULL,
     req_key TEXT NOT NULL,
     sub_req_key TEXT,
     options TEXT NOT NULL,
     output_base TEXT,
     intent_at BIGINT NOT NULL,
     origin TEXT,
     task_id TEXT UNIQUE,
     status TEXT NOT NULL,
     output TEXT,
     cost TEXT,
     error_code TEXT,
     finished_at BIGINT,
     worker TEXT,
     host TEXT
   );
   CREATE INDEX IF NOT EXISTS spark_attempts_by_key ON spark_attempts (key, id);
   CREATE INDEX IF NOT EXISTS spark_attempts_by_time ON spark_attempts (intent_at);
   CREATE TABLE IF NOT EXISTS spark_claims (
     key TEXT PRIMARY KEY,
     worker TEXT NOT NULL,
     host TEXT NOT NULL,
     pid INTEGER NOT NULL,
     marker TEXT NOT NULL,
     expires_at BIGINT NOT NULL,
     claimed_at BIGINT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS spark_claims_by_worker ON spark_claims (worker);
   CREATE TABLE IF NOT EXISTS spark_spend (
     id BIGSERIAL PRIMARY KEY,
     scope TEXT NOT NULL,
     style TEXT NOT NULL,
     micro BIGINT,
     settled BOOLEAN NOT NULL DEFAULT FALSE,
     worker TEXT NOT NULL,
     at BIGINT NOT NULL
   );
   CREATE INDEX IF NOT EXISTS spark_spend_by_scope ON spark_spend (scope);`,
];

/** The version the database is at (0: no tables yet). */
export async function schemaVersion(client: Pick<PoolClient, 'query'>): Promise<number> {
  // pg_class read as a table (not to_regclass, whose catalog cache an advisory lock does not refresh):
  // under the lock, a table another worker has just committed is seen.
  const table = await client.query<{ exists: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM pg_class WHERE relname = 'spark_meta' AND relnamespace = to_regnamespace(current_schema())) AS exists",
  );
  if (!table.rows[0]?.exists) return 0;
  const row = await client.query<{ value: string }>("SELECT value FROM spark_meta WHERE name = 'schema_version'");
  return Number(row.rows[0]?.value ?? 0);
}

/** Creates or upgrades the tables; safe when many workers start at once. */
export async function migrate(client: PoolClient): Promise<void> {
  if ((await schemaVersion(client)) >= SCHEMA_VERSION) return;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    // Read again under the lock: another worker may have migrated meanwhile.
    const version = await schemaVersion(client);
    for (let step = version; step < SCHEMA_VERSION; step++) await client.query(STEPS[step]!);
    if (version < SCHEMA_VERSION) {
      await client.query("INSERT INTO spark_meta (name, value) VALUES ('schema_version', $1) ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value", [
        String(SCHEMA_VERSION),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}
