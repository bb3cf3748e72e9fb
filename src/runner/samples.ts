import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, parse } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The photos bundled with the package (fixtures/photos), by name: `sample:bridge` is
 * bridge_1302x953.jpg. They let `--help`'s examples run as written from any folder, also after
 * `npm install -g`, where a relative path into the package would point nowhere.
 */
const SAMPLE_PREFIX = 'sample:';

export function isSampleName(arg: string): boolean {
  return arg.startsWith(SAMPLE_PREFIX);
}

/** The folder of the bundled photos: found upwards from this module, in src/ (tests) and in dist/ (the CLI) alike. */
function samplesFolder(): string | null {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'fixtures', 'photos');
    if (existsSync(join(folder, 'package.json')) && existsSync(candidate)) return candidate;
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/** Each sample's short name (the file name up to its first "_") and its path. */
export function listSamples(): { name: string; path: string }[] {
  const folder = samplesFolder();
  if (!folder) return [];
  return readdirSync(folder)
    .filter((file) => /\.(jpe?g|png)$/i.test(file))
    .sort()
    .map((file) => ({ name: parse(file).name.split('_')[0]!, path: join(folder, file) }));
}

/** `sample:bridge` -> the bundled file, or why not (naming the samples there are). */
export function resolveSample(arg: string): { path: string } | { problem: string } {
  const wanted = arg.slice(SAMPLE_PREFIX.length).toLowerCase();
  const samples = listSamples();
  const found = samples.find((sample) => sample.name === wanted || parse(sample.path).name === wanted);
  if (found) return { path: found.path };
  const names = samples.map((sample) => `${SAMPLE_PREFIX}${sample.name}`).join(', ');
  return { problem: names ? `no such bundled sample photo; there are ${names}` : 'the bundled sample photos are missing from this installation' };
}
