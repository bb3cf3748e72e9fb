import type { TestProject } from 'vitest/node';
import { startThrowawayPostgres } from '../../scripts/throwaway-postgres.mjs';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A superuser URL of the throwaway PostgreSQL the suite runs against (test/helpers/postgres.ts makes a database per test). */
    pgAdminUrl: string;
  }
}

/**
 * The suite's PostgreSQL, for the shared-ledger tests: a throwaway cluster
 * (scripts/throwaway-postgres.mjs), stopped when the suite ends; or, with
 * SPARK_STYLE_TEST_PG_URL, a server of one's own. With neither, the suite fails at once with one
 * line saying what to install.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const external = process.env.SPARK_STYLE_TEST_PG_URL;
  if (external) {
    project.provide('pgAdminUrl', external);
    return () => undefined;
  }
  const server = await startThrowawayPostgres();
  project.provide('pgAdminUrl', server.url);
  return server.stop;
}
