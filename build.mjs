// Builds dist/ with esbuild. Type checking is `npm run typecheck` (tsc), which `npm test` runs
// first; the build itself needs only esbuild (a devDependency: the published package ships dist/,
// built by `prepack`, and has no install script). In a git checkout `npm ci` builds in `prepare`.
//
// Why a bundler, and why two builds: every module Node loads at startup costs time, and so
// does starting Node's ESM loader at all. The startup path (commander, the command table,
// the flag definitions, `styles`) is one CommonJS file, dist/cli/main.cjs: `spark-style
// --help` starts in ~1.15x the time of bare `node`, where tsc's one-file-per-module ESM took
// ~1.5x. Each command's real work is the ESM build: dist/commands/<name>/run.js and shared
// chunks, loaded with import() only when that command runs. The heavy packages (sharp, got,
// conf, ora, ...) stay external: Node loads them from node_modules.
//
// The build guards that split (esbuild's metafile of each build): it fails when the startup
// bundle imports lazily a file the ESM build does not make, and when a source module lands in
// both builds without being on SHARED_ALLOWLIST (two copies of a class break `instanceof`).
// esbuild's own postinstall is denied in package.json (allowScripts): it only double-checks the
// platform binary that npm already installed as an optional dependency.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
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
const { sourcesIn, splitProblems } = await import('./build-guard.mjs');
const pkg = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((name) => name !== 'commander' && name !== 'esbuild');

/**
 * The lazy build's entry points: every command's run.ts (so a new command needs no edit here),
 * minus any the startup bundle already holds (`styles` runs from there, see its define.ts),
 * plus these, which exist for a reason of their own.
 */
const EXTRA_LAZY_ENTRIES = [
  // main.ts imports these only when a command throws, waits, or talks to the API.
  'src/cli/report-error.ts',
  'src/core/clock.ts',
  'src/cmdutil/connection.ts',
  // Lets the benchmark time the real image preparation code, not a copy of it.
  'src/image/prepare.ts',
  // `styles` reads prices from the ledger only when one exists (commands/styles/define.ts).
  'src/engine/style-prices.ts',
  // The library (`import { createSparkStyle } from 'spark-style'`): dist/index.js, sharing the
  // commands' chunks, so a program and the CLI run one copy of every class.
  'src/index.ts',
];
const commandRuns = readdirSync(join(root, 'src', 'commands'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(root, 'src', 'commands', entry.name, 'run.ts')))
  .map((entry) => `src/commands/${entry.name}/run.ts`)
  .sort();

/**
 * Modules allowed in both builds. Each build gets its own copy of a module it bundles, so a
 * class or a piece of state in both would exist twice (an error thrown by one copy is not an
 * `instanceof` the other's class). What is listed here is constants and pure functions only.
 */
const SHARED_ALLOWLIST = new Set([
  'src/catalog/styles.ts', // the style table: `styles` prints it at startup, stylize resolves against it
  'src/cmdutil/exit-codes.ts', // the exit code help: `--help` prints it, commands return its codes
  'src/core/exit-codes.ts', // the exit code table itself: errors carry their code, `--help` lists them
  'src/core/secrets.ts', // redact(): terminal/io.ts keeps the key out of every printed line
  'src/core/shell-quote.ts', // shellQuote(): secrets.ts redacts the shell-quoted form of the key too
  'src/terminal/sanitize.ts', // sanitizeLine(): terminal/io.ts strips escapes from every printed line
  'src/core/version.ts', // TOOL_VERSION: --version prints it, saved results carry it in their metadata
  'src/core/defaults.ts', // defaults and limits: the flag definitions show them, the commands apply them
  'src/api/request-body.ts', // WATERMARK_POSITIONS: --watermark-position's choices and their wire values
  'src/terminal/table.ts', // renderTable(): `styles` prints at startup, history and check print later
  'src/config/paths.ts', // ledgerPath(): `styles` looks for a ledger (prices) at startup, commands open it later
]);

// In the startup bundle, `import('./run.js')` stays an import() of the ESM build's file.
// Every target is recorded, so the build can check that the lazy build makes each one.
const lazyTargets = new Set();
const lazyAcrossBuilds = {
  name: 'lazy-across-builds',
  setup(builder) {
    builder.onResolve({ filter: /^\.\.?\/.*\.js$/ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const source = resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts'));
      lazyTargets.add(relative(root, source));
      const target = join(root, 'dist', relative(join(root, 'src'), source)).replace(/\.ts$/, '.js');
      return { path: `./${relative(join(root, 'dist', 'cli'), target)}`, external: true };
    });
  },
};

// commander requires node:child_process at load time (~5 ms: it pulls in net and streams) but
// uses it only for "executable" subcommands, which spark-style does not have. Load it on demand.
// Measured 2026-11-27 (bench part c): `--help` 1.16x bare node with this, 1.19-1.20x without;
// test/e2e/startup.test.ts checks that `--help` and `styles` never load child_process.
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
  metafile: true,
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  external,
  minify: true,
  define: { SPARK_STYLE_VERSION: JSON.stringify(pkg.version) },
  logLevel: 'warning',
};

await rm(join(root, 'dist'), { recursive: true, force: true });
// The startup bundle first: which commands it already holds decides the lazy entries.
const startup = await build({
  ...common,
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/cli/main.cjs',
  format: 'cjs',
  plugins: [lazyAcrossBuilds, lazyChildProcess],
});
const inStartup = sourcesIn(startup.metafile);
const lazyEntries = [...commandRuns.filter((entry) => !inStartup.has(entry)), ...EXTRA_LAZY_ENTRIES];
const lazy = await build({
  ...common,
  entryPoints: lazyEntries,
  outbase: 'src',
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  chunkNames: 'chunks/[name]-[hash]',
  // Some dependencies are CommonJS and call require(); give the ESM output one.
  banner: { js: "import { createRequire as __sparkCreateRequire } from 'node:module'; const require = __sparkCreateRequire(import.meta.url);" },
});

const problems = splitProblems({ startup: startup.metafile, lazy: lazy.metafile, lazyTargets, lazyEntries, allowlist: SHARED_ALLOWLIST });
if (problems.length) {
  for (const problem of problems) console.error(`build.mjs: ${problem}`);
  process.exit(1);
}
// The library's types: dist/types/**/*.d.ts from tsc (declarations only). TypeScript is a dev
// dependency: an install that has none (npm install -g . from a clone) builds the CLI without them.
if (existsSync(join(root, 'node_modules', 'typescript'))) {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.lib.json'], { cwd: root, stdio: 'inherit' });
}
// The sheet's labels are DejaVu Sans outlines bundled into dist/: their license travels with them.
await copyFile(join(root, 'src', 'sheet', 'font', 'DEJAVU-LICENSE.txt'), join(root, 'dist', 'DEJAVU-LICENSE.txt'));
