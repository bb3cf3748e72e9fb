// What `npm pack` ships: the built CLI, its samples and the license, never sources, tests or
// build tools; and the published package.json carries no install script (npm 11 warns about
// each one on `npm install -g <tarball>`).
import { execFileSync } from 'node:child_process';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/tmp.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/** The files `npm pack` would put in the tarball. Scripts are skipped: prepack would rebuild the dist/ other tests run. */
function packedFiles(): string[] {
  const out = execFileSync(NPM, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8' });
  const [pack] = JSON.parse(out) as { files: { path: string }[] }[];
  return pack.files.map((file) => file.path).sort();
}

describe('the packed package', () => {
  it('ships the built CLI, the sample photos, LICENSE, README and CHANGELOG, and nothing of the sources', () => {
    const files = packedFiles();
    for (const needed of [
      'bin/spark-style.js',
      'bin/package.json',
      'dist/cli/main.cjs',
      'dist/commands/stylize/run.js',
      'LICENSE',
      'README.md',
      'CHANGELOG.md',
      'package.json',
    ]) {
      expect(files).toContain(needed);
    }
    expect(files.filter((file) => file.startsWith('fixtures/photos/') && file.endsWith('.jpg')).length).toBeGreaterThanOrEqual(3);
    const outside = files.filter(
      (file) => !/^(bin|dist|fixtures\/photos)\//.test(file) && !['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json'].includes(file),
    );
    expect(outside).toEqual([]);
    // The library's types ship as declarations (dist/types); no TypeScript source, no source maps.
    expect(files.filter((file) => (file.endsWith('.ts') && !file.endsWith('.d.ts')) || file.endsWith('.map'))).toEqual([]);
  });

  it('needs no build tool at run time: esbuild is a devDependency', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
    expect(Object.keys(pkg.dependencies)).not.toContain('esbuild');
    expect(Object.keys(pkg.devDependencies)).toContain('esbuild');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('packs a package.json without `prepare` and puts the script back afterwards', () => {
    const dir = tempDir();
    const manifest = join(dir, 'package.json');
    copyFileSync(join(ROOT, 'package.json'), manifest);
    const original = readFileSync(manifest, 'utf8');
    const run = (mode: string) =>
      execFileSync(process.execPath, [join(ROOT, 'scripts/pack-manifest.mjs'), mode], { env: { ...process.env, SPARK_STYLE_PACK_ROOT: dir } });

    run('strip');
    const packed = JSON.parse(readFileSync(manifest, 'utf8'));
    expect(packed.scripts.prepare).toBeUndefined();
    expect(Object.keys(packed.scripts).filter((name) => /^(pre|post)?install$/.test(name))).toEqual([]);
    run('restore');
    expect(readFileSync(manifest, 'utf8')).toBe(original);
  });
});
