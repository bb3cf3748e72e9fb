import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';

/**
 * A new, empty database on the suite's PostgreSQL (test/global/postgres.ts), as a URL: each test
 * gets its own, so tests never see each other's rows. A password is put in the URL (trust auth
 * ignores it) so that tests can check it never shows.
 */
export async function freshDatabase(password = 'pg-secret-pass-0123'): Promise<string> {
  const admin = new URL(inject('pgAdminUrl'));
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  if (password) url.password = password;
  return url.toString();
}

/** Runs one query against a database (for tests that look at the rows themselves). */
export async function queryDatabase<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}
