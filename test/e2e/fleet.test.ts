import { execa, type ResultPromise } from 'execa';
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { countingEmulator } from '../helpers/counting-emulator.js';
import { writePhotos } from '../helpers/images.js';
import { freshDatabase, queryDatabase } from '../helpers/postgres.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Many machines on one PostgreSQL ledger. Each worker is a separate process with its own state
 * folder and its own output folder (as separate machines would have), started with the same
 * inputs. What is counted is what a team pays for: the tasks the emulator created per
 * (photo, style) pair, and the spend against one --budget for the whole fleet.
 */
const KEY = 'sk-fleet-0123456789abcdef';
const PASSWORD = 'fleet-db-password-42';

type Worker = ResultPromise<{ reject: false }>;

function startWorker(args: string[], ledger: string, serverUrl: string, extraEnv: Record<string, string> = {}): Worker {
  return execa(process.execPath, [CLI, ...args], {
    env: {
      SPARK_STYLE_BASE_URL: serverUrl,
      SPARK_STYLE_API_KEY: KEY,
      SPARK_STYLE_CONFIG_DIR: tempDir('spark-style-worker-'),
      SPARK_STYLE_LEDGER: ledger,
      NO_COLOR: '1',
      PATH: process.env.PATH,
      ...extraEnv,
    },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
}

/** A small deterministic random source, so a failing chaos run can be replayed. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

const withPassword = (url: string) => {
  const parsed = new URL(url);
  parsed.password = PASSWORD;
  return parsed.toString();
};

describe('a fleet on one PostgreSQL ledger', () => {
  it('4 workers SIGKILLed at random and restarted: no pair paid twice silently, every pair saved in the end', async () => {
    const ledger = withPassword(await freshDatabase());
    const { server, hooks, perPair } = await countingEmulator({ latencyMs: 100 });
    const photos = await writePhotos(tempDir(), 16);
    const random = seeded(17);
    const outs = Array.from({ length: 4 }, () => tempDir('spark-style-out-'));
    const args = (slot: number) => ['stylize', ...photos, '--style', 'ghibli,clay', '--out', outs[slot]!, '--concurrency', '4', '--json'];
    const workers: (Worker | null)[] = outs.map((_, slot) => startWorker(args(slot), ledger, server.url));
    const outcomes: (number | null)[] = [];
    let kills = 0;
    // Creates answered after a pause the test drives: at some of them a random worker dies,
    // with this create (or another worker's) on the wire.
    hooks.beforeCreateAnswer = async (count) => {
      if (count % 6 !== 0 || kills >= 4) return;
      const alive = workers.flatMap((worker, slot) => (worker ? [slot] : []));
      const slot = alive[Math.floor(random() * alive.length)];
      if (slot === undefined) return;
      kills++;
      workers[slot]!.kill('SIGKILL');
    };
    // Restart every killed worker until each has ended on its own.
    await Promise.all(
      workers.map(async (_, slot) => {
        for (;;) {
          const result = await workers[slot]!;
          if (result.signal !== 'SIGKILL') {
            outcomes.push(result.exitCode ?? null);
            workers[slot] = null;
            return;
          }
          workers[slot] = startWorker(args(slot), ledger, server.url);
        }
      }),
    );
    expect(kills).toBeGreaterThan(0);
    // A create cut off on the wire is reported (exit 4), never sent again on its own.
    expect(outcomes.every((code) => code === 0 || code === 4)).toBe(true);
    expect(Math.max(...perPair.values())).toBe(1);
    const unknown = await queryDatabase<{ key: string }>(
      ledger,
      "SELECT key FROM spark_attempts a WHERE status = 'unknown' AND id = (SELECT MAX(id) FROM spark_attempts b WHERE b.key = a.key)",
    );
    if (unknown.length > 0) expect(outcomes).toContain(4);

    // Only --resend-unknown sends those again, on purpose; then every pair is saved.
    const resend = await startWorker([...args(0), '--resend-unknown'], ledger, server.url);
    expect(resend.exitCode).toBe(0);
    const saved = await queryDatabase<{ pairs: string }>(ledger, "SELECT COUNT(DISTINCT key) AS pairs FROM spark_attempts WHERE status = 'saved'");
    expect(Number(saved[0]!.pairs)).toBe(32);
    expect(server.stats().tasks_created).toBeLessThanOrEqual(32 + unknown.length);
    // The files are spread over the workers' disks; together, every pair.
    expect(outs.flatMap((out) => readdirSync(out)).filter((name) => name.endsWith('.jpg')).length).toBeGreaterThanOrEqual(32);
  });

  it('one budget for the fleet: two workers with --budget 0.30 at $0.03 a task make at most 10 tasks', async () => {
    const ledger = withPassword(await freshDatabase());
    const { server } = await countingEmulator({ costPerTask: '0.0300', latencyMs: 200 });
    const photos = await writePhotos(tempDir(), 12);
    const run = () =>
      startWorker(['stylize', ...photos, '--style', 'ghibli,clay', '--out', tempDir(), '--budget', '0.30', '--concurrency', '4'], ledger, server.url);
    const [a, b] = await Promise.all([run(), run()]);
    expect([a.exitCode, b.exitCode]).toEqual([5, 5]);
    expect(server.stats().tasks_created).toBeLessThanOrEqual(10);
    expect(server.stats().tasks_created).toBeGreaterThanOrEqual(9);
    expect(`${a.stderr}${b.stderr}`).not.toContain(PASSWORD);
  });

  it('a worker that stops while holding a lease: the others finish its item after the lease expires, collecting its task (not paying again)', async () => {
    const ledger = withPassword(await freshDatabase());
    const { server, hooks, perPair } = await countingEmulator({ latencyMs: 200 });
    const photos = await writePhotos(tempDir(), 6);
    const args = ['stylize', ...photos, '--style', 'ghibli', '--out', tempDir(), '--concurrency', '1'];
    const env = { SPARK_STYLE_LEASE_MS: '1500' };
    const stalled = startWorker(args, ledger, server.url, env);
    // Frozen once its first task exists and is recorded: alive as far as its host can tell,
    // silent as far as the fleet can (like a machine cut off the network).
    const frozen = new Promise<void>((resolve) => {
      hooks.onTaskRead = () => {
        hooks.onTaskRead = undefined;
        stalled.kill('SIGSTOP');
        resolve();
      };
    });
    await frozen;
    const [b, c] = await Promise.all([startWorker(args, ledger, server.url, env), startWorker(args, ledger, server.url, env)]);
    stalled.kill('SIGKILL');
    await stalled;
    expect([b.exitCode, c.exitCode]).toEqual([0, 0]);
    expect(server.stats().tasks_created).toBe(6);
    expect(Math.max(...perPair.values())).toBe(1);
    const rows = await queryDatabase<{ status: string }>(ledger, 'SELECT status FROM spark_attempts');
    expect(rows.map((row) => row.status)).toEqual(Array(6).fill('saved'));
  });

  it('history shows which worker made each task, doctor checks the database without writing to it, and the password never shows', async () => {
    const ledger = withPassword(await freshDatabase());
    const { server } = await countingEmulator({ latencyMs: 50 });
    const photos = await writePhotos(tempDir(), 2);
    const made = await startWorker(['stylize', ...photos, '--style', 'ghibli', '--out', tempDir()], ledger, server.url);
    expect(made.exitCode).toBe(0);
    const env = { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_CONFIG_DIR: tempDir(), NO_COLOR: '1', PATH: process.env.PATH };
    const history = await execa(process.execPath, [CLI, 'history', '--json', '--ledger', ledger], { env, extendEnv: false, reject: false });
    expect(history.exitCode).toBe(0);
    const rows = history.stdout.split('\n').map((line) => JSON.parse(line) as { worker: string; status: string });
    expect(rows).toHaveLength(2);
    expect(rows[0]!.worker).toMatch(/^[0-9a-f]{12} on \S+$/);
    const before = await queryDatabase<{ n: string }>(ledger, 'SELECT COUNT(*) AS n FROM spark_attempts');
    const doctor = await execa(process.execPath, [CLI, 'doctor', '--ledger', ledger], { env, extendEnv: false, reject: false });
    expect(doctor.stdout).toMatch(/shared ledger .*postgres:\/\/spark@127\.0\.0\.1:\d+\/t_\w+ \(PostgreSQL/);
    expect(doctor.stdout).toMatch(/ledger schema .*version 1 \(current\)/);
    expect(doctor.stdout).toMatch(/ledger writes .*allowed/);
    expect(await queryDatabase<{ n: string }>(ledger, 'SELECT COUNT(*) AS n FROM spark_attempts')).toEqual(before);
    for (const output of [history.stdout, history.stderr, doctor.stdout, doctor.stderr, made.stdout, made.stderr]) expect(output).not.toContain(PASSWORD);
  });
});
