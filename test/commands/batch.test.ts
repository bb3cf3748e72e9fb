import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines, PHOTOS } from '../helpers/cli.js';
import { writePhotos } from '../helpers/images.js';
import { heldCreates } from '../helpers/held-creates.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const KEY = 'sk-batch-0123456789abcdef';
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });

describe('batches', () => {
  it('reports every item of a mixed batch read from stdin, saves the rest and exits 1', async () => {
    const server = await cli.emulator({ faults: { failEvery: 3 } });
    const dir = tempDir();
    const good = await writePhotos(dir, 4);
    const small = join(PHOTOS, 'rocket_640x427.jpg');
    const broken = join(dir, 'broken.jpg');
    writeFileSync(broken, 'not really a jpeg');
    const out = join(dir, 'out');
    const list = [...good, small, broken, join(dir, 'missing.jpg')].join('\n');
    const result = await cli.run(['stylize', '-', '--style', 'anime', '--out', out, '--json', '--concurrency', '3'], { env: against(server.url), input: list });
    expect(result.exitCode).toBe(1);
    const lines = jsonLines(result.stdout);
    const summary = lines.pop() as { summary: Record<string, number> };
    expect(lines).toHaveLength(7);
    expect(new Set(lines.map((line) => line.input))).toEqual(new Set([...good, small, broken, join(dir, 'missing.jpg')]));
    const failedTasks = lines.filter((line) => (line.error as { code?: string } | null)?.code === '003008095');
    expect(failedTasks).toHaveLength(1); // the 3rd of 4 created tasks
    expect(lines.filter((line) => line.status === 'saved')).toHaveLength(3);
    expect(lines.find((line) => line.input === small)).toMatchObject({ status: 'failed', error: { code: 'min-size' } });
    expect(lines.find((line) => line.input === broken)).toMatchObject({ status: 'failed', error: { code: 'format' } });
    expect(lines.find((line) => line.input === join(dir, 'missing.jpg'))).toMatchObject({ status: 'failed', error: { code: 'readable' } });
    expect(summary.summary).toMatchObject({ total: 7, saved: 3, failed: 4, tasks_created: 4, cost_usd: '0.0900' });
    expect(readdirSync(out)).toHaveLength(3);
    expect(server.stats().tasks_created).toBe(4);
  });

  it('after Ctrl-C resumes without paying twice: tasks created = distinct (photo, style) pairs', async () => {
    // Interrupted with two creates answered only after the run was told to stop (neither task can finish first).
    const creates = heldCreates(2);
    const server = await cli.emulator({ latencyMs: 2500, beforeCreateAnswer: creates.hook });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 3);
    const configDir = tempDir();
    const args = ['stylize', ...inputs, '--style', 'ghibli,clay', '--out', join(dir, 'out'), '--concurrency', '2'];
    const env = { ...against(server.url), SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH };
    const first = cli.run(args, { env });
    await creates.allHeld;
    first.kill('SIGINT');
    await first.untilStderr(/stopping: no new tasks/);
    creates.release();
    const interrupted = await first;
    expect(interrupted.exitCode).toBe(130);
    expect(interrupted.stderr).toMatch(/interrupted: 2 tasks still running on the server/);
    expect(interrupted.stderr).toContain('Run the same command again');
    expect(server.stats().tasks_created).toBe(2);

    const again = await cli.run(args, { env });
    expect(again.exitCode).toBe(0);
    expect(again.stdout.split('\n')).toHaveLength(6);
    for (const path of again.stdout.split('\n')) expect(existsSync(path)).toBe(true);
    expect(server.stats().tasks_created).toBe(6);
    expect(again.stderr).toContain('saved 6, failed 0 · 4 tasks created');
  });

  it('a burst of 429s slows the whole batch down, and it completes', async () => {
    // Four 429s: one fewer than a create's attempts (CREATE_POLICY), so the batch completes
    // whichever items the burst happens to hit, even all four on one item.
    const server = await cli.emulator({ faults: { rateLimit: { after: 2, count: 4, retryAfterSeconds: 1 } } });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 8);
    const result = await cli.run(['stylize', ...inputs, '--style', 'realistic', '--concurrency', '4', '--json'], { env: against(server.url) });
    expect(result.exitCode, result.stderr).toBe(0);
    const summary = jsonLines(result.stdout).pop() as { summary: Record<string, number> };
    expect(summary.summary).toMatchObject({ saved: 8, tasks_created: 8 });
    expect(server.stats()).toMatchObject({ tasks_created: 8, rate_limited: 4 });
    expect(server.stats().creates_received).toBe(12); // each 429 cost one request, no more
    expect(result.stderr).toContain('rate limited (429): slowing down to 2 at a time');
    expect(result.stderr).toContain('rate limited (429): slowing down to 1 at a time');
    expect(result.stderr).toMatch(/no more 429s: back up to \d at a time/);
  });

  it('--retry-failed resubmits only the items whose task failed', async () => {
    const server = await cli.emulator({ faults: { failEvery: 1 } });
    const dir = tempDir();
    const [photo] = await writePhotos(dir, 1);
    const configDir = tempDir();
    const run = (extra: string[] = []) => cli.run(['stylize', photo!, '--style', 'angel', ...extra], { env: against(server.url), configDir });
    expect((await run()).exitCode).toBe(1);
    const again = await run();
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toContain('failed in an earlier run');
    expect(server.stats().tasks_created).toBe(1);
    server.setFaults({});
    expect((await run(['--retry-failed'])).exitCode).toBe(0);
    expect(server.stats().tasks_created).toBe(2);
  });

  it('takes folders (recursively, keeping subfolders), --style all in a dry run, and --max-tasks', async () => {
    const server = await cli.emulator();
    const dir = tempDir();
    mkdirSync(join(dir, 'album', '2024'), { recursive: true });
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(dir, 'album', 'bridge.jpg'));
    copyFileSync(join(PHOTOS, 'hubble_1000x872.jpg'), join(dir, 'album', '2024', 'hubble.jpg'));
    const out = join(dir, 'art');

    const dry = await cli.run(['stylize', join(dir, 'album'), '--recursive', '--style', 'all', '--out', out, '--dry-run', '--json'], {
      env: against(server.url),
    });
    expect(dry.exitCode).toBe(0);
    const plan = jsonLines(dry.stdout);
    expect(plan.pop()).toEqual({
      summary: {
        dry_run: true,
        tasks_to_create: 44,
        to_collect: 0,
        to_skip: 0,
        refused: 0,
        unknown: 0,
        expected_cost_usd: null,
        price_basis: null,
        prices_usd: expect.any(Object),
        budget_usd: null,
        tasks_within_budget: null,
      },
    });
    expect(plan.map((line) => line.output)).toContain(join(out, '2024', 'hubble.doll.*'));

    const refused = await cli.run(['stylize', join(dir, 'album'), '--recursive', '--style', 'all', '--out', out, '--max-tasks', '40'], {
      env: against(server.url),
    });
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toContain('would create 44 tasks, more than --max-tasks 40');
    expect(server.stats().creates_received).toBe(0);

    const flat = await cli.run(['stylize', join(dir, 'album'), '--style', 'watercolor', '--out', out], { env: against(server.url) });
    expect(flat.stdout).toBe(join(out, 'bridge.watercolor.jpg'));
    const deep = await cli.run(['stylize', join(dir, 'album'), '--recursive', '--style', 'watercolor', '--out', out], { env: against(server.url) });
    expect(deep.stdout).toBe(join(out, '2024', 'hubble.watercolor.jpg'));
    expect(deep.stderr).toContain('skipped');
  });

  it('stops asking once the API refuses the key', async () => {
    const server = await cli.emulator({ key: 'the-real-key-0000' });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 5);
    const result = await cli.run(['stylize', ...inputs, '--style', 'princess', '--concurrency', '1', '--json'], { env: against(server.url) });
    expect(result.exitCode).toBe(3);
    expect(jsonLines(result.stdout).pop()).toMatchObject({ summary: { failed: 1, cancelled: 4, tasks_created: 0 } });
    expect(server.stats().unauthorized).toBe(1);
    expect(result.stderr.match(/✖/g)).toHaveLength(1);
  });

  it('--fail-fast creates no new tasks after the first failure', async () => {
    const server = await cli.emulator({ faults: { failEvery: 1 } });
    const dir = tempDir();
    const inputs = await writePhotos(dir, 5);
    const result = await cli.run(['stylize', ...inputs, '--style', 'princess', '--concurrency', '1', '--fail-fast', '--json'], { env: against(server.url) });
    expect(result.exitCode).toBe(1);
    const lines = jsonLines(result.stdout);
    expect(lines.pop()).toMatchObject({ summary: { failed: 1, cancelled: 4, tasks_created: 1 } });
    expect(server.stats().tasks_created).toBe(1);
  });
});
