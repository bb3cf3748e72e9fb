#!/usr/bin/env node
// The benchmark: `npm run bench` (full) or `npm run bench -- --quick` (under a minute).
// Everything is measured in one run on this machine and reported as ratios against a
// baseline measured in the same run, so numbers from different machines stay comparable:
//   (a) batch wall time / ideal (N x L / C), with the emulator's tasks taking L = 10 s each;
//   (b) peak RSS of the CLI for batches of 100 and 1000 images at concurrency 8;
//   (c) startup of `--help` and `styles --json` / startup of `node -e ''`;
//   (d) CPU time to check and base64-encode a 5 MB, 4096-pixel JPEG;
//   (e) `stylize one.jpg --dry-run` with 300,000 finished tasks in the ledger / with an empty one,
//       in wall time and in peak RSS (the cost of a command must not grow with history);
//   (f) a fleet: 4 workers x concurrency 4 on 200 items, wall time / ideal (N x L / 16), with a
//       shared PostgreSQL ledger and, side by side, with the SQLite ledger of one machine.
// Writes bench/results.json. Loopback only: the emulator runs on 127.0.0.1.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, setPriority, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'bin', 'spark-style.js');
const quick = process.argv.includes('--quick');
// --only=a,b (development): run just some parts; results.json is written only by a complete run.
const only = new Set((process.argv.find((arg) => arg.startsWith('--only='))?.slice(7) ?? 'a,b,c,d,e,f').split(','));
const plan = quick
  ? {
      batch: { n: 32, c: 16, latencyMs: 10_000 },
      memory: { sizes: [100, 1000], c: 8 },
      startupRuns: 20,
      cpuRuns: 3,
      ledger: { tasks: 300_000, rounds: 5 },
      fleet: { n: 200, workers: 4, c: 4, latencyMs: 2_000 },
    }
  : {
      batch: { n: 100, c: 8, latencyMs: 10_000 },
      memory: { sizes: [100, 1000], c: 8 },
      startupRuns: 60,
      cpuRuns: 10,
      ledger: { tasks: 300_000, rounds: 11 },
      fleet: { n: 200, workers: 4, c: 4, latencyMs: 5_000 },
    };
const TARGETS = { batch_ratio: 1.15, rss_mb: 250, startup_ratio: 1.3, ledger_ratio: 1.2, fleet_ratio: 1.3 };
const work = join(root, 'bench', 'tmp');

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const benchStarted = performance.now();
const log = (line) => process.stderr.write(`[${((performance.now() - benchStarted) / 1000).toFixed(1)}s] ${line}\n`);

/** The emulator as its own process (`spark-style emulator`), so its CPU is not the CLI's. */
/** Lower scheduling priority (nice 19) for a process whose timing is not being measured. */
function yieldCpu(child, background) {
  if (background) setPriority(child.pid, 19);
}

async function startEmulator(latencyMs, background) {
  const child = spawn(process.execPath, [cli, 'emulator', '--port', '0', '--latency', String(latencyMs), '--plain'], { stdio: ['ignore', 'pipe', 'ignore'] });
  yieldCpu(child, background);
  const url = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.split('\n')[0].trim());
    });
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
  });
  return { url, stop: () => child.kill('SIGTERM') };
}

/** n distinct photos: one real photo, made unique by a comment segment holding its number. */
function writePhotos(dir, n) {
  const base = readFileSync(join(root, 'fixtures', 'photos', 'bridge_1302x953.jpg'));
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const text = Buffer.from(`bench photo ${i}`);
    const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, text.length + 2]), text]);
    writeFileSync(join(dir, `photo-${String(i).padStart(4, '0')}.jpg`), Buffer.concat([base.subarray(0, 2), segment, base.subarray(2)]));
  }
}

/** Runs the CLI, sampling its peak resident set (VmHWM) from /proc until it exits. */
async function runCli(args, env, background) {
  const started = performance.now();
  const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  yieldCpu(child, background);
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  let peakKb = 0;
  const sample = () => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      if (match) peakKb = Math.max(peakKb, Number(match[1]));
    } catch {
      // the process has just exited
    }
  };
  const timer = setInterval(sample, 25);
  const code = await new Promise((resolve) => child.once('exit', resolve));
  clearInterval(timer);
  return { code, wallMs: performance.now() - started, peakRssMb: peakKb / 1024, stderr };
}

async function stylizeBatch(count, concurrency, latencyMs, label, background = false) {
  const dir = join(work, label);
  rmSync(dir, { recursive: true, force: true });
  writePhotos(join(dir, 'in'), count);
  const emulator = await startEmulator(latencyMs, background);
  try {
    const result = await runCli(
      ['stylize', join(dir, 'in'), '--style', 'ghibli', '--out', join(dir, 'out'), '--concurrency', String(concurrency), '--quiet'],
      {
        SPARK_STYLE_BASE_URL: emulator.url,
        SPARK_STYLE_API_KEY: 'bench',
        SPARK_STYLE_CONFIG_DIR: join(dir, 'config'),
        NO_COLOR: '1',
      },
      background,
    );
    if (result.code !== 0) throw new Error(`${label}: the CLI exited with ${result.code}\n${result.stderr}`);
    return result;
  } finally {
    emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Startup times, interleaved: each round runs bare node, --help and styles back to back, and
 * the ratio is the median of the per-round ratios, so a slow moment of the machine (this is a
 * shared VM) cancels out instead of landing on one command. 3 warm-up rounds are dropped.
 */
function startup() {
  const commands = { node: ['-e', ''], help: [cli, '--help'], styles: [cli, 'styles', '--json'] };
  const rounds = [];
  for (let round = 0; round < plan.startupRuns + 3; round++) {
    const times = {};
    for (const [name, args] of Object.entries(commands)) {
      const started = performance.now();
      spawnSync(process.execPath, args, { stdio: 'ignore' });
      times[name] = performance.now() - started;
    }
    if (round >= 3) rounds.push(times);
  }
  const ms = Object.fromEntries(Object.keys(commands).map((name) => [name, median(rounds.map((times) => times[name]))]));
  const ratio = (name) => median(rounds.map((times) => times[name] / times.node));
  return { ms, help: ratio('help'), styles: ratio('styles') };
}

async function cpuPerImage() {
  const path = join(work, 'big.jpg');
  const noise = await sharp({ create: { width: 4096, height: 3072, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } })
    .blur(1.2)
    .png()
    .toBuffer();
  let quality = 95;
  let bytes;
  do {
    bytes = await sharp(noise).jpeg({ quality }).toBuffer();
    quality -= 3;
  } while (bytes.length > 5 * 1024 * 1024 && quality > 20);
  writeFileSync(path, bytes);
  const { prepareFile } = await import('../dist/image/prepare.js');
  const samples = [];
  for (let run = 0; run < plan.cpuRuns; run++) {
    const before = process.cpuUsage();
    const prepared = await prepareFile(path, null);
    const encoded = prepared.bytes.toString('base64');
    const used = process.cpuUsage(before);
    if (encoded.length === 0) throw new Error('nothing encoded');
    samples.push((used.user + used.system) / 1000);
  }
  rmSync(path);
  return { ms: median(samples), bytes: bytes.length };
}

/**
 * (e): a config folder whose ledger holds `tasks` finished tasks, made the way an upgrade
 * makes it: an old journal.jsonl of that size, imported by the first command that opens the
 * ledger. Then `stylize one.jpg --dry-run` is timed against the same with an empty ledger,
 * interleaved round by round; the ratios are medians of per-round ratios. Peak RSS is the
 * child's own getrusage maximum, reported by a preloaded module at exit, so no sample is missed.
 */
async function ledgerRatio() {
  const { tasks, rounds } = plan.ledger;
  const folders = { empty: join(work, 'ledger-empty'), big: join(work, 'ledger-big') };
  for (const folder of Object.values(folders)) mkdirSync(folder, { recursive: true });
  writeFileSync(join(folders.empty, 'journal.jsonl'), '');
  log(`(e) writing a journal of ${tasks} finished tasks...`);
  const lines = [];
  const day = Date.now() - 90 * 24 * 3600 * 1000;
  const flush = (final = false) => {
    if (lines.length >= 20_000 || (final && lines.length)) {
      writeFileSync(join(folders.big, 'journal.jsonl'), lines.join(''), { flag: 'a' });
      lines.length = 0;
    }
  };
  for (let i = 0; i < tasks; i++) {
    const at = new Date(day + i * 20_000).toISOString();
    const key = i.toString(16).padStart(32, '0');
    lines.push(
      `${JSON.stringify({ event: 'created', at, task_id: `bench${i}`, key, input: `/photos/shoot-${i % 5000}/IMG_${i}.jpg`, input_sha256: key + key, style: 'ghibli', req_key: 'img2img_ghibli_style_usage', sub_req_key: null, options: { return_url: true, logo_info: null, fix: null }, output_base: `/art/IMG_${i}.ghibli` })}\n`,
      `${JSON.stringify({ event: 'finished', at, task_id: `bench${i}`, key, outcome: 'saved', output: `/art/IMG_${i}.ghibli.jpg` })}\n`,
    );
    flush();
  }
  flush(true);
  const preload = join(work, 'report-max-rss.cjs');
  writeFileSync(preload, "process.on('exit', () => require('node:fs').writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");
  const photo = join(root, 'fixtures', 'photos', 'bridge_1302x953.jpg');
  const dryRun = (folder) => {
    const rssFile = join(folder, 'max-rss');
    const started = performance.now();
    const result = spawnSync(
      process.execPath,
      ['--require', preload, cli, 'stylize', photo, '--style', 'ghibli', '--out', join(folder, 'out'), '--dry-run', '--json'],
      {
        env: { ...process.env, SPARK_STYLE_CONFIG_DIR: folder, SPARK_STYLE_BASE_URL: 'http://127.0.0.1:9', BENCH_RSS_FILE: rssFile, NO_COLOR: '1' },
        encoding: 'utf8',
      },
    );
    const wallMs = performance.now() - started;
    if (result.status !== 0) throw new Error(`(e) the dry run exited with ${result.status}\n${result.stderr}`);
    return { wallMs, rssMb: Number(readFileSync(rssFile, 'utf8')) / 1024 };
  };
  log('(e) first open of each ledger (imports the journal)...');
  const importStarted = performance.now();
  dryRun(folders.big);
  const importMs = performance.now() - importStarted;
  dryRun(folders.empty);
  const samples = [];
  for (let round = 0; round < rounds; round++) samples.push({ empty: dryRun(folders.empty), big: dryRun(folders.big) });
  const ledgerMb = statSync(join(folders.big, 'ledger.db')).size / 1024 / 1024;
  return {
    tasks,
    import_s: Number((importMs / 1000).toFixed(2)),
    ledger_mb: Number(ledgerMb.toFixed(1)),
    wall_ms: { empty: Number(median(samples.map((s) => s.empty.wallMs)).toFixed(1)), big: Number(median(samples.map((s) => s.big.wallMs)).toFixed(1)) },
    rss_mb: { empty: Number(median(samples.map((s) => s.empty.rssMb)).toFixed(1)), big: Number(median(samples.map((s) => s.big.rssMb)).toFixed(1)) },
    wall_ratio: Number(median(samples.map((s) => s.big.wallMs / s.empty.wallMs)).toFixed(3)),
    rss_ratio: Number(median(samples.map((s) => s.big.rssMb / s.empty.rssMb)).toFixed(3)),
  };
}

mkdirSync(work, { recursive: true });
log(`spark-style benchmark (${quick ? 'quick' : 'full'}) on ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}`);

const results = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memory_gb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
  },
  targets: { ...TARGETS },
};
const checks = [];

if (only.has('c')) {
  log('(c) startup...');
  const measured = startup();
  results.startup_ratio_help = Number(measured.help.toFixed(3));
  results.startup_ratio_styles = Number(measured.styles.toFixed(3));
  results.startup_ms = Object.fromEntries(Object.entries(measured.ms).map(([name, value]) => [name, Number(value.toFixed(1))]));
  checks.push(['startup --help / node', results.startup_ratio_help, `<= ${TARGETS.startup_ratio}`, results.startup_ratio_help <= TARGETS.startup_ratio]);
  checks.push([
    'startup styles --json / node',
    results.startup_ratio_styles,
    `<= ${TARGETS.startup_ratio}`,
    results.startup_ratio_styles <= TARGETS.startup_ratio,
  ]);
}
if (only.has('d')) {
  log('(d) check + encode a 5 MB 4096-pixel JPEG...');
  const cpu = await cpuPerImage();
  results.per_image_ms = Number(cpu.ms.toFixed(1));
  results.per_image_bytes = cpu.bytes;
  checks.push(['CPU per 5 MB image (ms)', results.per_image_ms, 'report', true]);
}
if (only.has('e')) {
  const ledger = await ledgerRatio();
  results.ledger = ledger;
  results.ledger_wall_ratio = ledger.wall_ratio;
  results.ledger_rss_ratio = ledger.rss_ratio;
  checks.push([
    `dry run, ${ledger.tasks / 1000}k-task ledger, wall`,
    ledger.wall_ratio,
    `<= ${TARGETS.ledger_ratio}`,
    ledger.wall_ratio <= TARGETS.ledger_ratio,
  ]);
  checks.push([`dry run, ${ledger.tasks / 1000}k-task ledger, RSS`, ledger.rss_ratio, `<= ${TARGETS.ledger_ratio}`, ledger.rss_ratio <= TARGETS.ledger_ratio]);
}
/** (a): the batch against tasks of 10 s. */
async function measureBatch() {
  const { n, c, latencyMs } = plan.batch;
  log(`(a) batch of ${n} at concurrency ${c}, tasks of ${latencyMs / 1000} s...`);
  const batch = await stylizeBatch(n, c, latencyMs, 'batch');
  const idealMs = (n * latencyMs) / c;
  results.batch_ratio = Number((batch.wallMs / idealMs).toFixed(3));
  results.batch = { images: n, concurrency: c, task_seconds: latencyMs / 1000, wall_s: Number((batch.wallMs / 1000).toFixed(2)), ideal_s: idealMs / 1000 };
  checks.push(['batch wall / ideal', results.batch_ratio, `<= ${TARGETS.batch_ratio}`, results.batch_ratio <= TARGETS.batch_ratio]);
}

/** (b): peak memory for 100 and 1000 images; tasks finish at once, so the CLI is never idle. */
async function measureMemory(background = false) {
  const rss = {};
  for (const size of plan.memory.sizes) {
    log(`(b) memory for a batch of ${size} at concurrency ${plan.memory.c}...`);
    rss[size] = (await stylizeBatch(size, plan.memory.c, 0, `memory-${size}`, background)).peakRssMb;
  }
  results.rss_mb_100 = Number(rss[100].toFixed(1));
  results.rss_mb_1000 = Number(rss[1000].toFixed(1));
  checks.push(['peak RSS, 100 images (MB)', results.rss_mb_100, `<= ${TARGETS.rss_mb}`, results.rss_mb_100 <= TARGETS.rss_mb]);
  // Flat: ten times the images may not cost more than a quarter more memory.
  checks.push([
    'peak RSS, 1000 images (MB)',
    results.rss_mb_1000,
    `<= ${TARGETS.rss_mb}, flat`,
    results.rss_mb_1000 <= TARGETS.rss_mb && results.rss_mb_1000 <= results.rss_mb_100 * 1.25,
  ]);
}

/**
 * (f): N items pulled by 4 workers of concurrency 4 (separate processes, separate state
 * folders, one output folder) from one PostgreSQL ledger; then the same with 4 processes
 * sharing one machine's SQLite ledger. Ideal: N x L / 16.
 */
async function measureFleet() {
  const { n, workers, c, latencyMs } = plan.fleet;
  const { startThrowawayPostgres } = await import('../scripts/throwaway-postgres.mjs');
  const postgres = await startThrowawayPostgres();
  const idealMs = (n * latencyMs) / (workers * c);
  const runFleet = async (label, ledgerFor) => {
    log(`(f) ${workers} workers x concurrency ${c} on ${n} items, tasks of ${latencyMs / 1000} s, ${label} ledger...`);
    const dir = join(work, `fleet-${label}`);
    rmSync(dir, { recursive: true, force: true });
    writePhotos(join(dir, 'in'), n);
    const emulator = await startEmulator(latencyMs, false);
    try {
      const started = performance.now();
      const runs = await Promise.all(
        Array.from({ length: workers }, (_, index) =>
          runCli(['stylize', join(dir, 'in'), '--style', 'ghibli', '--out', join(dir, 'out'), '--concurrency', String(c), '--quiet'], {
            SPARK_STYLE_BASE_URL: emulator.url,
            SPARK_STYLE_API_KEY: 'bench',
            NO_COLOR: '1',
            ...ledgerFor(dir, index),
          }),
        ),
      );
      const wallMs = performance.now() - started;
      for (const run of runs) if (run.code !== 0) throw new Error(`fleet (${label}): a worker exited with ${run.code}\n${run.stderr}`);
      return { ratio: Number((wallMs / idealMs).toFixed(3)), wall_s: Number((wallMs / 1000).toFixed(2)) };
    } finally {
      emulator.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    const shared = await runFleet('postgres', (dir, index) => ({ SPARK_STYLE_CONFIG_DIR: join(dir, `config-${index}`), SPARK_STYLE_LEDGER: postgres.url }));
    const local = await runFleet('sqlite', (dir) => ({ SPARK_STYLE_CONFIG_DIR: join(dir, 'config') }));
    results.fleet = { items: n, workers, concurrency: c, task_seconds: latencyMs / 1000, ideal_s: idealMs / 1000, postgres: shared, sqlite: local };
    results.fleet_ratio_postgres = shared.ratio;
    results.fleet_ratio_sqlite = local.ratio;
    checks.push(['fleet wall / ideal, PostgreSQL', shared.ratio, `<= ${TARGETS.fleet_ratio}`, shared.ratio <= TARGETS.fleet_ratio]);
    checks.push(['fleet wall / ideal, SQLite', local.ratio, 'report', true]);
  } finally {
    postgres.stop();
  }
}

// The full run measures (a) and (b) one after the other. --quick overlaps them to stay under a
// minute: (a) spends its 20 s waiting for the emulator, peak memory does not depend on time, and
// (b)'s processes run at the lowest CPU priority so that they do not slow (a) down.
if (quick && only.has('a') && only.has('b')) await Promise.all([measureBatch(), measureMemory(true)]);
else {
  if (only.has('a')) await measureBatch();
  if (only.has('b')) await measureMemory();
}
if (only.has('f')) await measureFleet();
rmSync(work, { recursive: true, force: true });

results.pass = checks.every(([, , , ok]) => ok);
if (only.size === 6) writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);

console.log(`\n${'measure'.padEnd(32)}${'value'.padStart(10)}  target`);
for (const [name, value, target, ok] of checks) console.log(`${name.padEnd(32)}${String(value).padStart(10)}  ${target}${ok ? '' : '  MISSED'}`);
if (results.batch) console.log(`\nbatch: ${results.batch.wall_s} s for ${results.batch.images} images (ideal ${results.batch.ideal_s} s)`);
if (results.fleet)
  console.log(
    `fleet: ${results.fleet.items} items, ${results.fleet.workers} workers x ${results.fleet.concurrency}: PostgreSQL ${results.fleet.postgres.wall_s} s, SQLite ${results.fleet.sqlite.wall_s} s (ideal ${results.fleet.ideal_s} s)`,
  );
if (results.startup_ms)
  console.log(`startup: node ${results.startup_ms.node} ms, --help ${results.startup_ms.help} ms, styles --json ${results.startup_ms.styles} ms`);
if (results.ledger)
  console.log(
    `ledger: ${results.ledger.tasks} tasks (${results.ledger.ledger_mb} MB, imported in ${results.ledger.import_s} s); dry run ${results.ledger.wall_ms.big} ms / ${results.ledger.rss_mb.big} MB vs empty ${results.ledger.wall_ms.empty} ms / ${results.ledger.rss_mb.empty} MB`,
  );
if (only.size === 6) console.log('written to bench/results.json');
process.exitCode = results.pass ? 0 : 1;
