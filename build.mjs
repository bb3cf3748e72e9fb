// Builds dist/ with esbuild. Type checking is `npm run typecheck` (tsc), which `npm test` runs
// first; the build itself needs only esbuild, a regular dependency, so that `npm install -g .`
// on a fresh clone (which installs no devDependencies) can still build the CLI in `prepare`.
//
// Why a bundler, and why two builds: every module Node loads at startup costs time, and so
// does starting Node's ESM loader at all. The startup path (commander, the command table,
// the flag definitions, `styles`) is one CommonJS file, dist/cli/main.cjs: `spark-style
// --help` starts in ~1.15x the time of bare `node`, where tsc's one-file-per-module ESM took
// ~1.5x. Each command's real work is the ESM build: dist/commands/<name>/run.js and shared
// chunks, loaded with import() only when that command runs. The heavy packages (sharp, got,
// conf, ora, ...) stay external: Node loads them from node_modules.
// esbuild's own postinstall is denied in package.json (allowScripts): it only double-checks the
// platform binary that npm already installed as an optional dependency.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, readFile, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';

const root = dirname(new URL(import.meta.url).pathname);

// `npm install -g .` in a fresh clone runs `prepare` here before installing anything, and the
// global link then runs from this folder: install the dependencies first. The outer npm's
// settings (npm_config_global=true among them) must not leak into this local install.
if (!existsSync(join(root, 'node_modules', 'esbuild'))) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.toLowerCase().startsWith('npm_')));
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  execFileSync(npm, ['install', '--no-save', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, env, stdio: 'inherit' });
}
const { build } = await import('esbuild');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((name) => name !== 'commander' && name !== 'esbuild');

/** The modules the startup bundle loads lazily; they are the entry points of the ESM build. */
const LAZY_ENTRIES = [
  'src/commands/check/run.ts',
  'src/commands/config/run.ts',
  'src/commands/stylize/run.ts',
  'src/commands/sheet/run.ts',
  'src/commands/status/run.ts',
  'src/commands/emulator/run.ts',
  'src/commands/history/run.ts',
  'src/commands/doctor/run.ts',
  'src/commands/completion/run.ts',
  'src/cli/report-error.ts',
  // Lets the benchmark time the real image preparation code, not a copy of it.
  'src/image/prepare.ts',
];

// In the startup bundle, `import('./run.js')` stays an import() of the ESM build's file.
const lazyAcrossBuilds = {
  name: 'lazy-across-builds',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      const target = join(root, 'dist', relative(join(root, 'src'), source)).replace(/\.ts$/, '.js');
      return { path: `./${relative(join(root, 'dist', 'cli'), target)}`, external: true };
    });
  },
};

// commander requires node:child_process at load time (~5 ms: it pulls in net and streams) but
// uses it only for "executable" subcommands, which spark-style does not have. Load it on demand.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(builder) {
    builder.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      args.importer.includes('node_modules/commander') ? { path: 'lazy-child-process', namespace: 'lazy' } : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = new Proxy({}, { get: (_, name) => require('node:child_process')[name] });",
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  external,
  minify: true,
  define: { SPARK_STYLE_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

await rm(join(root, 'dist'), { recursive: true, force: true });
await Promise.all([
  build({
    ...common,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli/main.cjs',
    format: 'cjs',
    plugins: [lazyAcrossBuilds, lazyChildProcess],
  }),
  build({
    ...common,
    entryPoints: LAZY_ENTRIES,
    outbase: 'src',
    outdir: 'dist',
    splitting: true,
    format: 'esm',
    chunkNames: 'chunks/[name]-[hash]',
    // Some dependencies are CommonJS and call require(); give the ESM output one.
    banner: { js: "import { createRequire as __sparkCreateRequire } from 'node:module'; const require = __sparkCreateRequire(import.meta.url);" },
  }),
]);
// The sheet's labels are DejaVu Sans outlines bundled into dist/: their license travels with them.
await copyFile(join(root, 'src', 'sheet', 'font', 'DEJAVU-LICENSE.txt'), join(root, 'dist', 'DEJAVU-LICENSE.txt'));
