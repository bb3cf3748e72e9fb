// The checks build.mjs runs on esbuild's metafiles of its two builds; a module of its own so
// that test/unit/build-guard.test.ts can feed it made-up metafiles.

/** The source files a build actually emitted code for (tree-shaken ones bring no bytes). */
export function sourcesIn(metafile) {
  const sources = new Set();
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) if (bytesInOutput > 0 && input.startsWith('src/')) sources.add(input);
  }
  return sources;
}

/**
 * What is wrong with the split, one sentence each: a lazy import from the startup bundle that
 * the lazy build does not make, and a module in both builds that is not on the allowlist.
 */
export function splitProblems({ startup, lazy, lazyTargets, lazyEntries, allowlist }) {
  const problems = [];
  for (const target of lazyTargets) {
    if (!lazyEntries.includes(target))
      problems.push(`the startup bundle imports ${target} lazily, but it is not an entry of the lazy build (EXTRA_LAZY_ENTRIES)`);
  }
  const inLazy = sourcesIn(lazy);
  for (const source of sourcesIn(startup)) {
    if (inLazy.has(source) && !allowlist.has(source)) {
      problems.push(
        `${source} is in both the startup bundle and the lazy build: import it from one side only, or (constants and pure functions only) add it to SHARED_ALLOWLIST`,
      );
    }
  }
  return problems;
}
