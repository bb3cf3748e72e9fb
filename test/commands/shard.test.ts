import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { jsonLines } from '../helpers/cli.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';
import { commandHarness } from '../helpers/command.js';

const cli = commandHarness();

async function album(): Promise<string> {
  const root = join(tempDir(), 'album');
  mkdirSync(join(root, 'day2'), { recursive: true });
  // Different pixels each: identical photos would share one task.
  const names = ['a.jpg', 'b.jpg', 'c.jpg', 'day2/a.jpg', 'day2/d.jpg'];
  for (const [n, name] of names.entries()) writeFileSync(join(root, name), await makeImage(800 + n, 600));
  return root;
}

const items = (stdout: string) => jsonLines(stdout).filter((line) => !('summary' in line)) as { input: string; style: string }[];
const names = (list: { input: string; style: string }[]) => list.map((item) => `${item.input} ${item.style}`).sort();

describe('stylize --shard', () => {
  it('three shards of a dry run cover the batch exactly once', async () => {
    const root = await album();
    const args = ['stylize', root, '--recursive', '--style', 'ghibli,clay', '--out', tempDir(), '--dry-run', '--json'];
    const whole = items((await cli.run(args)).stdout);
    expect(whole).toHaveLength(10);
    const shards = await Promise.all([1, 2, 3].map(async (k) => items((await cli.run([...args, '--shard', `${k}/3`])).stdout)));
    expect(names(shards.flat())).toEqual(names(whole));
    expect(shards.every((shard) => shard.length < whole.length)).toBe(true);
  });

  it('shards run separately, then the whole batch finds everything done (resume across shards)', async () => {
    const server = await cli.emulator();
    const root = await album();
    const out = tempDir();
    const env = { SPARK_STYLE_BASE_URL: server.url, SPARK_STYLE_API_KEY: 'shard-test-key' };
    const args = ['stylize', root, '--recursive', '--style', 'anime', '--out', out, '--json'];
    const first = await cli.run([...args, '--shard', '1/2'], { env });
    const second = await cli.run([...args, '--shard', '2/2'], { env });
    expect([first.exitCode, second.exitCode]).toEqual([0, 0]);
    expect(items(first.stdout).length + items(second.stdout).length).toBe(5);
    expect(server.stats().tasks_created).toBe(5);
    const whole = await cli.run(args, { env });
    expect(jsonLines(whole.stdout).at(-1)).toMatchObject({ summary: { total: 5, skipped: 5, tasks_created: 0 } });
    expect(server.stats().tasks_created).toBe(5);
  });

  it.each(['0/3', '4/3', 'half'])('--shard %s is a usage error', async (shard) => {
    const result = await cli.run(['stylize', 'x.jpg', '--style', 'anime', '--shard', shard, '--dry-run']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('must be K/N with 1 <= K <= N');
    expect(result.stdout).toBe('');
  });
});
