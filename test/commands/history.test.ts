import { describe, expect, it } from 'vitest';
import { jsonLines } from '../helpers/cli.js';
import { fillLedger, ledgerIn, row } from '../helpers/ledger-fixture.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

const hoursAgo = (hours: number) => new Date(Date.now() - hours * 3_600_000).toISOString();

async function ledgerWithTasks(): Promise<string> {
  const configDir = tempDir();
  await fillLedger(ledgerIn(configDir), [
    row({ at: hoursAgo(100), input: 'old/beach.jpg', style: 'ghibli', task_id: 'd0old', output: 'art/beach.ghibli.jpg', cost: '0.0300' }),
    row({ at: hoursAgo(30), input: 'photos/cat.jpg', style: 'clay', task_id: 'd1cat', status: 'failed', cost: '0.0300', error_code: '003008095' }),
    row({ at: hoursAgo(5), input: 'photos/dog.jpg', style: 'ghibli', task_id: 'd2dog', output: 'art/dog.ghibli.jpg', cost: '0.0300' }),
    row({ at: hoursAgo(1), input: 'photos/owl.jpg', style: 'marvel', task_id: null, status: 'unknown' }),
  ]);
  return configDir;
}

describe('history', () => {
  it('prints JSON lines into a pipe: newest first, stable keys, the total on stderr', async () => {
    const result = await cli.run(['history'], { configDir: await ledgerWithTasks() });
    expect(result.exitCode).toBe(0);
    const lines = jsonLines(result.stdout);
    expect(lines.map((line) => line.input)).toEqual(['photos/owl.jpg', 'photos/dog.jpg', 'photos/cat.jpg', 'old/beach.jpg']);
    for (const line of lines) expect(Object.keys(line)).toEqual(['at', 'input', 'style', 'task_id', 'status', 'output', 'cost', 'error_code', 'worker']);
    expect(lines[0]).toMatchObject({ task_id: null, status: 'unknown', output: null, cost: null, error_code: null });
    expect(result.stderr.trim()).toBe('total: $0.0900 over 4 rows (3 with a known cost)');
  });

  it('filters by --since, --style and --status', async () => {
    const configDir = await ledgerWithTasks();
    const inputs = async (args: string[]) => jsonLines((await cli.run(['history', '--json', ...args], { configDir })).stdout).map((line) => line.input);
    expect(await inputs(['--since', '2d'])).toEqual(['photos/owl.jpg', 'photos/dog.jpg', 'photos/cat.jpg']);
    expect(await inputs(['--since', '2d', '--style', 'ghibli'])).toEqual(['photos/dog.jpg']);
    expect(await inputs(['--status', 'unknown'])).toEqual(['photos/owl.jpg']);
    expect(await inputs(['--limit', '1'])).toEqual(['photos/owl.jpg']);
  });

  it('bad filters are usage errors', async () => {
    const since = await cli.run(['history', '--since', 'last-week']);
    expect(since.exitCode).toBe(2);
    expect(since.stderr).toContain('--since "last-week" is not an age or a date');
    const word = await cli.run(['history', '--since', 'tomorrow']);
    expect(word.exitCode).toBe(2);
    expect(word.stderr).toContain('--since "tomorrow" is not an age or a date; use an age (90m, 12h, 2d, 1w), a date (2026-11-01), today or yesterday');
    const status = await cli.run(['history', '--status', 'done']);
    expect(status.exitCode).toBe(2);
    expect(status.stderr).toContain('--status "done" is not a status');
  });

  it('--since yesterday and today count from local midnight', async () => {
    const configDir = await ledgerWithTasks();
    const inputs = async (since: string) => jsonLines((await cli.run(['history', '--json', '--since', since], { configDir })).stdout).map((line) => line.input);
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const yesterday = new Date(today);
    yesterday.setDate(yesterday.getDate() - 1);
    const ages = [1, 5, 30, 100];
    const since = (from: Date) =>
      ['photos/owl.jpg', 'photos/dog.jpg', 'photos/cat.jpg', 'old/beach.jpg'].filter((_, index) => Date.now() - ages[index]! * 3_600_000 >= from.getTime());
    expect(await inputs('today')).toEqual(since(today));
    expect(await inputs('Yesterday')).toEqual(since(yesterday));
    expect(since(yesterday)).toContain('photos/dog.jpg');
  });

  it('no matching tasks: "no tasks match" on stderr, nothing on stdout, no "total over 0 rows"', async () => {
    const configDir = tempDir();
    await fillLedger(ledgerIn(configDir), [
      row({ at: hoursAgo(1), input: 'photos/dog.jpg', style: 'ghibli', task_id: 'd2dog', output: 'art/dog.ghibli.jpg', cost: '0.0300' }),
    ]);
    for (const args of [
      ['--status', 'unknown'],
      ['--status', 'unknown', '--json'],
    ]) {
      const result = await cli.run(['history', ...args], { configDir });
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim()).toBe('no tasks match; runs with --offline are not recorded: their tasks end with the run');
    }
  });

  it('with no ledger yet: nothing on stdout, and no ledger file is created', async () => {
    const configDir = tempDir();
    const result = await cli.run(['history', '--json'], { configDir });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    const { existsSync } = await import('node:fs');
    expect(existsSync(ledgerIn(configDir))).toBe(false);
  });

  it('on a terminal: a table with the total, and a pointer to the unknown outcomes', async () => {
    const configDir = await ledgerWithTasks();
    const { exitCode: code, stdout, stderr } = await cli.run(['history', '--since', '2d'], { face: 'tty', configDir });
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^WHEN\s+INPUT\s+STYLE\s+TASK ID\s+STATUS\s+OUTPUT\s+COST$/);
    expect(lines[1]).toMatch(/photos\/owl\.jpg\s+marvel\s+-\s+unknown\s+-\s+-$/);
    expect(lines[2]).toMatch(/photos\/dog\.jpg\s+ghibli\s+d2dog\s+saved\s+art\/dog\.ghibli\.jpg\s+\$0\.0300$/);
    expect(lines.at(-1)).toBe('total: $0.0600 over 3 rows (2 with a known cost)');
    expect(stderr).toContain('1 task with an unknown outcome: check them in the Vtrix console');
  });
});
