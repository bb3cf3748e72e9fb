import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The examples import the package by its name, as a program would: in tests, the sources.
  resolve: { alias: { 'spark-style': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    // A throwaway PostgreSQL for the shared-ledger tests (root-safe: see the file).
    globalSetup: ['test/global/postgres.ts'],
    // End-to-end tests spawn the built CLI and real HTTP servers; two cores are all CI has.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
});
