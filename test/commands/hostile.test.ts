import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines } from '../helpers/cli.js';
import { makeImage } from '../helpers/images.js';
import { json, stubServer } from '../helpers/stub-server.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

/**
 * Issue 12 through the built CLI: a hostile gateway on loopback and hostile local files.
 * Every case ends with a one-line error (no stack), in bounded time, and no paid result lost.
 */
const KEY = 'sk-hostile-e2e-0123456789';
const against = (url: string) => ({ SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY });
const TERMINAL_ACTS_ON = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

async function photo(dir: string, name = 'photo.jpg'): Promise<string> {
  const path = join(dir, name);
  writeFileSync(path, await makeImage(900, 700));
  return path;
}

function noStackTrace(stderr: string): void {
  expect(stderr).not.toMatch(/^\s+at /m);
}

describe('a hostile gateway', () => {
  it('a create answered with a redirect: the photo goes nowhere else, one-line error', async () => {
    const elsewhere = await stubServer([json(200, { id: 'stolen', status: 'pending' })]);
    const server = await cli.emulator({ faults: { redirectCreate: { status: 307, location: `${elsewhere.url}/model/v1/generation` } } });
    const result = await cli.run(['stylize', await photo(tempDir()), '--style', 'ghibli'], { env: against(server.url) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(
      /the create was answered with a redirect \(HTTP 307 to 127\.0\.0\.1:\d+\); spark-style never re-sends a photo to another address/,
    );
    expect(elsewhere.requests).toHaveLength(0);
    expect(server.stats().creates_received).toBe(1);
    noStackTrace(result.stderr);
  });

  it('a failed task whose message attacks the terminal: printed harmless, on one line, cut; --json exact and escaped', async () => {
    const attack = `\u001b]0;owned\u0007\u001b[2J\u001b]8;;https://evil.example/\u0007link\u001b]8;;\u0007\r\u001b[1Asaved 1, failed 0\n\u009b2J\u202eok${'A'.repeat(20_000)}`;
    const server = await cli.emulator({ faults: { failEvery: 1, hostileMessage: attack } });
    const dir = tempDir();
    const input = await photo(dir);
    const result = await cli.run(['stylize', input, '--style', 'ghibli'], { env: against(server.url) });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).not.toMatch(TERMINAL_ACTS_ON);
    const failure = result.stderr.split('\n').find((line) => line.startsWith('✖'))!;
    expect(failure).toMatch(/^✖ .*photo\.jpg \(ghibli\): task \w+ failed with 003008095: link saved 1, failed 0 okA+… \(\d+ more characters\)$/);
    expect(failure.length).toBeLessThan(800);
    expect(result.stderr).not.toContain('owned');
    expect(result.stderr).not.toContain('evil.example');

    const asJson = await cli.run(['stylize', input, '--style', 'ghibli', '--json', '--retry-failed'], { env: against(server.url) });
    expect(asJson.stdout).not.toMatch(TERMINAL_ACTS_ON);
    const [line] = jsonLines(asJson.stdout);
    expect((line!.error as { message: string }).message).toContain('\u001b]0;owned\u0007');
    expect((line!.error as { message: string }).message).toContain('\u009b2J\u202eok');
  });

  it('an odd usage.cost never blocks a paid result', async () => {
    const server = await cli.emulator({ faults: { oddCost: { amount: 'lots' } } });
    const dir = tempDir();
    const result = await cli.run(['stylize', await photo(dir), '--style', 'ghibli', '--out', join(dir, 'out'), '--json'], { env: against(server.url) });
    expect(result.exitCode).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines[0]).toMatchObject({ status: 'saved', cost: null });
    expect(existsSync(lines[0]!.output as string)).toBe(true);
    expect(lines.at(-1)!.summary).toMatchObject({ saved: 1, cost_usd: '0.0000', cost_unknown: 1 });
    expect(result.stderr).toContain('$0.0000 (+ 1 of unknown cost)');

    server.setFaults({ oddCost: '1e308' });
    const status = await cli.run(['status', lines[0]!.task_id as string], { env: against(server.url) });
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toMatch(/: completed · cost unknown$/m);
  });

  it('a task claiming 1000 results: at most 4 are saved, and the run says so', async () => {
    const server = await cli.emulator({ faults: { resultsPerTask: 1000 } });
    const dir = tempDir();
    const out = join(dir, 'out');
    const result = await cli.run(['stylize', await photo(dir), '--style', 'ghibli', '--out', out], { env: against(server.url) });
    expect(result.exitCode).toBe(0);
    expect(readdirSync(out)).toHaveLength(4);
    expect(result.stderr).toContain('the task claimed 1000 images; kept the first 4');
  });

  it('a hostile task id in a create answer: outcome unknown, one line, never printed raw', async () => {
    const server = await cli.emulator({ faults: { hostileTaskId: '../../x\u001b]0;owned\u0007' } });
    const configDir = tempDir();
    const args = ['stylize', await photo(tempDir()), '--style', 'ghibli'];
    const result = await cli.run(args, { env: against(server.url), configDir });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('the task answer has an invalid id');
    expect(result.stderr).not.toMatch(TERMINAL_ACTS_ON);
    expect(server.stats().creates_received).toBe(1);
    // The hint tells what running again does: it pays for nothing, it reports the item as unknown.
    expect(result.stderr).toContain(
      'running the same command again does not send this create again (it reports it as outcome unknown); add --resend-unknown to send it again',
    );
    expect(result.stderr).not.toContain('creates (and pays for) a new task');
    const again = await cli.run(args, { env: against(server.url), configDir });
    expect(again.exitCode).toBe(4);
    expect(again.stderr).toContain('outcome unknown');
    expect(server.stats().creates_received).toBe(1);
  });

  it('status refuses an id that is not one, and shows the id it asked for', async () => {
    const server = await stubServer([json(200, { id: 'someone-else', status: 'in_progress', progress: 0.5 })]);
    const bad = await cli.run(['status', '../etc'], { env: against(server.url) });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('"../etc" is not a task id');
    const good = await cli.run(['status', 'task-42', '--json'], { env: against(server.url) });
    expect(jsonLines(good.stdout)[0]).toMatchObject({ task_id: 'task-42', status: 'in_progress' });
    expect(server.requests.map((request) => request.url)).toEqual(['/model/v1/generation/task/task-42']);
  });
});

describe('hostile local state', () => {
  it('a config folder others can write is refused before the key goes anywhere', async () => {
    const planted = await stubServer([json(200, { id: 'stolen', status: 'pending' })]);
    const configDir = join(tempDir(), 'shared');
    mkdirSync(configDir);
    writeFileSync(join(configDir, 'config.json'), JSON.stringify({ 'base-url': planted.url }));
    chmodSync(configDir, 0o777);
    const result = await cli.run(['stylize', await photo(tempDir()), '--style', 'ghibli'], {
      env: { SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_BASE_URL: undefined },
      configDir,
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      `error: refusing the config folder ${configDir}: other users can write to it (mode 0777); nothing was read from it`,
      `hint: chmod 700 ${configDir}`,
    ]);
    expect(planted.requests).toHaveLength(0);
  });

  it('a corrupt config.json: one line naming the file and the fix', async () => {
    const configDir = tempDir();
    writeFileSync(join(configDir, 'config.json'), '{"api-key": "sk-', { mode: 0o600 });
    const file = join(configDir, 'config.json');
    const result = await cli.run(['config', 'list'], { configDir });
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^error: cannot read the config file ${file}: it is not valid JSON \\(.+\\)$`));
    expect(lines[1]).toBe(`hint: fix it in an editor, or move it away (mv ${file} ${file}.broken) and set your values again with spark-style config set`);
  });
});

describe('the key is never printed (issue 12 #12)', () => {
  it("after Ctrl-C the 'run again' command leaves out a key with quotes in it", async () => {
    const key = `sk-it's-a-"quoted"-key`;
    const created: (() => void)[] = [];
    const server = await cli.emulator({ latencyMs: 30_000, onTaskCreated: () => created.forEach((listener) => listener()) });
    const dir = tempDir();
    const run = cli.run(['stylize', await photo(dir), '--style', 'ghibli', '--api-key', key], {
      env: { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_CONFIG_DIR: tempDir(), NO_COLOR: '1', PATH: process.env.PATH },
    });
    await new Promise<void>((resolve) => created.push(resolve));
    run.kill('SIGINT');
    const result = await run;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('Run the same command again');
    expect(result.stderr).toMatch(/spark-style stylize \S+photo\.jpg --style ghibli\n/);
    expect(result.stderr).toContain('(with the key in SPARK_STYLE_API_KEY, or --api-key as before)');
    for (const piece of ['quoted', "it'", "it'\\''"]) expect(result.stderr + result.stdout).not.toContain(piece);
  });

  it('a key shorter than 8 characters is redacted too', async () => {
    const server = await stubServer([json(401, { message: 'key k3y is not valid' })]);
    const result = await cli.run(['status', 'abc', '--api-key', 'k3y'], { env: { SPARK_STYLE_BASE_URL: server.url } });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('key [redacted] is not valid');
  });
});
