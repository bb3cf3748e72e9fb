// Types for build-guard.mjs, so that test/unit/build-guard.test.ts is type-checked against it.

/** The part of esbuild's metafile the guard reads. */
export interface Metafile {
  outputs: Record<string, { inputs: Record<string, { bytesInOutput: number }> }>;
}

export function sourcesIn(metafile: Metafile): Set<string>;

export function splitProblems(builds: { startup: Metafile; lazy: Metafile; lazyTargets: Set<string>; lazyEntries: string[]; allowlist: Set<string> }): string[];
