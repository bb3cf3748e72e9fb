import { describe, expect, it } from 'vitest';
import { sourcesIn, splitProblems } from '../../build-guard.mjs';

/** A metafile as esbuild writes it, reduced to what the guard reads: bytes per input per output. */
const metafile = (outputs: Record<string, Record<string, number>>) => ({
  outputs: Object.fromEntries(
    Object.entries(outputs).map(([output, inputs]) => [
      output,
      { inputs: Object.fromEntries(Object.entries(inputs).map(([input, bytes]) => [input, { bytesInOutput: bytes }])) },
    ]),
  ),
});

const startup = metafile({
  'dist/cli/main.cjs': { 'src/cli/main.ts': 900, 'src/cmdutil/exit-codes.ts': 300, 'src/core/errors.ts': 0, 'node_modules/commander/index.js': 5000 },
});
const lazy = metafile({
  'dist/commands/check/run.js': { 'src/commands/check/run.ts': 700 },
  'dist/chunks/chunk-1.js': { 'src/cmdutil/exit-codes.ts': 300, 'src/core/errors.ts': 800 },
});
const base = { startup, lazy, lazyTargets: new Set(['src/commands/check/run.ts']), lazyEntries: ['src/commands/check/run.ts'] };

describe('the build guard', () => {
  it('counts a source only where it brought bytes (tree-shaken imports do not count), and only our own sources', () => {
    expect([...sourcesIn(startup)]).toEqual(['src/cli/main.ts', 'src/cmdutil/exit-codes.ts']);
  });

  it('passes a split whose only shared module is on the allowlist', () => {
    expect(splitProblems({ ...base, allowlist: new Set(['src/cmdutil/exit-codes.ts']) })).toEqual([]);
  });

  it('names a module in both builds that is not on the allowlist', () => {
    expect(splitProblems({ ...base, allowlist: new Set() })).toEqual([
      'src/cmdutil/exit-codes.ts is in both the startup bundle and the lazy build: import it from one side only, or (constants and pure functions only) add it to SHARED_ALLOWLIST',
    ]);
  });

  it('names a lazy import that the lazy build does not make', () => {
    const problems = splitProblems({
      ...base,
      lazyTargets: new Set(['src/commands/check/run.ts', 'src/commands/sheet/run.ts']),
      allowlist: new Set(['src/cmdutil/exit-codes.ts']),
    });
    expect(problems).toEqual(['the startup bundle imports src/commands/sheet/run.ts lazily, but it is not an entry of the lazy build (EXTRA_LAZY_ENTRIES)']);
  });
});
