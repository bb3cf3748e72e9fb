import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CLI, runCli } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

/**
 * Spawned: the memory a hostile answer can cost is the peak of a process of its own (GNU time),
 * and a trickling result host is held to --timeout by real time.
 * The rest of issue 12's hostile cases run in-process (test/commands/hostile.test.ts).
 */
const KEY = 'sk-hostile-e2e-0123456789';
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });

async function photo(dir: string, name = 'photo.jpg'): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await makeImage(900, 700));
  return path;
}

function noStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
}

/** Runs the CLI under GNU time and returns its result and peak resident memory in MB. */
async function runMeasured(
  args: string[],
  env: Record<string, string>,
): Promise<{ exitCode: number | undefined; stderr: string; stdout: string; peakMb: number }> {
  const result = await execa('/usr/bin/time', ['-f', 'peak-kb=%M', process.execPath, CLI, ...args], {
    reject: false,
    extendEnv: false,
    timeout: 60_000,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: tempDir('spark-style-config-'), ...env },
  });
  const peak = /peak-kb=(\d+)/.exec(result.stderr);
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr.replace(/peak-kb=\d+\n?/, ''), peakMb: Number(peak?.[1]) / 1024 };
}

describe('hostile answers, in bounded memory', () => {
  it.each(['gzip', 'endless'] as const)('a task read answered with a %s body: one-line protocol error, bounded memory, not retried', async (kind) => {
    const server = await emulator({ latencyMs: 1000, onTaskCreated: () => server.setFaults({ readBomb: kind }) });
    const dir = tempDir();
    const result = await runMeasured(['stylize', await photo(dir), '--style', 'ghibli'], against(server.url));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /✖ .*photo\.jpg \(ghibli\): the answer to GET \/model\/v1\/generation\/task\/\w+ is larger than the 1 MB limit; refusing it \(not retried\)/,
    );
    noStackTrace(result.stderr);
    expect(result.peakMb).toBeLessThan(400);
    expect(server.stats().task_reads).toBe(1);
  });

  it('a gzip-bomb result is refused once, not downloaded six times', async () => {
    const server = await emulator({ faults: { resultBomb: true } });
    const result = await runMeasured(['stylize', await photo(tempDir()), '--style', 'ghibli'], against(server.url));
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/the result at 127\.0\.0\.1:\d+ is larger than the 50 MB limit/);
    expect(server.stats().result_downloads).toBe(1);
    expect(result.peakMb).toBeLessThan(400);
  });

  // Real time: a trickling host against the transport's own (real) timeout, bounded by --timeout.
  it('a result host trickling bytes cannot hold the run past --timeout; the rerun collects without paying again', async () => {
    const server = await emulator({ latencyMs: 300, faults: { trickleResults: { intervalMs: 200 } } });
    const dir = tempDir();
    const configDir = tempDir();
    const input = await photo(dir);
    const started = Date.now();
    const result = await runCli(['stylize', input, '--style', 'ghibli', '--timeout', '2s', '--out', join(dir, 'out')], {
      env: against(server.url),
      configDir,
    });
    // --timeout 2 s, plus the 10 s a result found at the deadline gets to arrive.
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/no answer in time/);
    noStackTrace(result.stderr);

    server.setFaults({});
    const again = await runCli(['stylize', input, '--style', 'ghibli', '--out', join(dir, 'out')], { env: against(server.url), configDir });
    expect(again.exitCode).toBe(0);
    expect(server.stats().tasks_created).toBe(1);
  });
});
