import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  // As build.mjs does: commands run in-process carry the package's version (saved results name it).
  define: { SPARK_STYLE_VERSION: JSON.stringify(version) },
  // The examples import the package by its name, as a program would: in tests, the sources.
  resolve: { alias: { 'spark-style': fileURLToPath(new URL('./src/index.ts', import.meta.url)) } },
  test: {
    include: ['test/**/*.test.ts'],
    // A home of its own for every test process; a throwaway PostgreSQL for the shared-ledger tests (root-safe: see the file).
    globalSetup: ['test/helpers/isolated-home.ts', 'test/global/postgres.ts'],
    // What a test made (servers, folders) is undone after it, for every file (test/helpers/cleanup.ts).
    setupFiles: ['test/setup/cleanup-after-each.ts'],
    // End-to-end tests spawn the built CLI and real HTTP servers. CI has two cores, but the spawned
    // files spend most of their time waiting on child processes and loopback answers: four workers
    // took the suite from 182 s to 132 s on a quiet 2-core machine, with the same 761 tests passing.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 4,
    // A worker keeps the modules it loaded from one test file to the next, instead of loading the
    // engine, sharp and libsql again for each of ~110 files: that loading was a third of the
    // suite's CPU time. Nothing in src/ keeps state between runs at module level that a test
    // could see, and the helpers clean up through the setup file above, not module-level hooks.
    isolate: false,
  },
});
