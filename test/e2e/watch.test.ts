import { copyFileSync, existsSync, mkdirSync, readdirSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { execa, type ResultPromise } from 'execa';
import { describe, expect, it } from 'vitest';
import type { EmulatorOptions } from '../../src/emulator/server.js';
import { CLI, PHOTOS } from '../helpers/cli.js';
import { emulator } from '../helpers/emulator.js';
import { makeImage } from '../helpers/images.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-watch-0123456789abcdef';

/** An emulator that counts tasks per (photo, style) pair, with hooks a test changes between runs. */
async function countingEmulator() {
  const perPair = new Map<string, number>();
  const hooks: Pick<EmulatorOptions, 'onTaskRead' | 'onTaskCreated'> = {};
  const server = await emulator({
    latencyMs: 600,
    onTaskCreated: (count, task) => {
      perPair.set(`${task.imageSha256}/${task.alias}`, (perPair.get(`${task.imageSha256}/${task.alias}`) ?? 0) + 1);
      hooks.onTaskCreated?.(count, task);
    },
    onTaskRead: (count) => hooks.onTaskRead?.(count),
  });
  return { server, hooks, perPair };
}

/** The built CLI's watch, with a reader that resolves when its --json lines say something. */
function startWatch(args: string[], configDir: string, url: string) {
  const child: ResultPromise<{ reject: false }> = execa(process.execPath, [CLI, 'watch', ...args], {
    env: { SPARK_STYLE_BASE_URL: url, SPARK_STYLE_API_KEY: KEY, SPARK_STYLE_CONFIG_DIR: configDir, NO_COLOR: '1', PATH: process.env.PATH },
    extendEnv: false,
    reject: false,
    timeout: 60_000,
  });
  const items: { input: string; status: string; output: string | null }[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    items.push(JSON.parse(line));
    for (const wake of waiters.splice(0)) wake();
  });
  const until = async (holds: () => boolean) => {
    while (!holds()) await new Promise<void>((wake) => waiters.push(wake));
  };
  /** Resolves once every photo named has a line that says it is done (saved, or skipped as done). */
  const done = (names: string[]) =>
    until(() => names.every((name) => items.some((item) => item.input.endsWith(`/${name}`) && (item.status === 'saved' || item.status === 'skipped'))));
  return { child, items, done, until };
}

/** A folder of real, distinct photos (800x600, 808x604, ...). */
async function inbox(names: string[]) {
  const folder = realpathSync(tempDir('spark-inbox-'));
  for (const [index, name] of names.entries()) writeFileSync(join(folder, name), await makeImage(800 + index * 8, 600 + index * 4));
  return folder;
}

describe('spark-style watch (built CLI, emulator on loopback)', () => {
  it('SIGKILL and SIGTERM mid-run, restarted: results for every photo, the output folder inside never an input, not one pair paid twice', async () => {
    const { server, hooks, perPair } = await countingEmulator();
    const folder = await inbox(['a.jpg', 'b.jpg', 'c.jpg']);
    const art = join(folder, 'art');
    mkdirSync(art);
    const configDir = tempDir('spark-watch-config-');
    const args = [folder, '--style', 'ghibli', '--out', art, '--json', '--settle', '300ms', '--concurrency', '1'];

    // 1. Killed outright while the first task is being waited for (its id already recorded).
    const first = startWatch(args, configDir, server.url);
    hooks.onTaskRead = (count) => count === 1 && first.child.kill('SIGKILL');
    expect((await first.child).signal).toBe('SIGKILL');
    hooks.onTaskRead = undefined;

    // 2. Restarted, then SIGTERM as soon as it creates its first new task: it stops gracefully.
    const second = startWatch(args, configDir, server.url);
    hooks.onTaskCreated = () => second.child.kill('SIGTERM');
    const stopped = await second.child;
    hooks.onTaskCreated = undefined;
    expect(stopped.exitCode).toBe(130);
    expect(stopped.stderr).toContain('stopping');

    // 3. Restarted again: every photo ends up done, and a photo dropped in while it runs too.
    const third = startWatch(args, configDir, server.url);
    await third.done(['a.jpg', 'b.jpg', 'c.jpg']);
    copyFileSync(join(PHOTOS, 'bridge_1302x953.jpg'), join(folder, 'd.jpg'));
    await third.done(['d.jpg']);
    third.child.kill('SIGTERM');
    expect((await third.child).exitCode).toBe(130);

    expect(readdirSync(art).sort()).toEqual(['a.ghibli.jpg', 'b.ghibli.jpg', 'c.ghibli.jpg', 'd.ghibli.jpg']);
    expect(server.stats().tasks_created).toBe(4);
    expect([...perPair.values()]).toEqual([1, 1, 1, 1]);
    expect(third.items.some((item) => item.input.includes('/art/'))).toBe(false);
  });

  it('results saved beside the photos are never taken as inputs, and a bad file gets one line while the watch goes on', async () => {
    const { server } = await countingEmulator();
    const folder = await inbox(['a.jpg']);
    const configDir = tempDir('spark-watch-config-');
    const watch = startWatch([folder, '--style', 'clay', '--json', '--settle', '300ms'], configDir, server.url);
    await watch.done(['a.jpg']);
    copyFileSync(join(PHOTOS, '..', '..', 'README.md'), join(folder, 'broken.jpg'));
    writeFileSync(join(folder, 'b.jpg'), await makeImage(900, 700));
    await watch.done(['b.jpg']);
    await watch.until(() => watch.items.some((item) => item.input.endsWith('/broken.jpg')));
    watch.child.kill('SIGTERM');
    const ended = await watch.child;
    expect(ended.exitCode).toBe(130);
    expect(existsSync(join(folder, 'a.clay.jpg'))).toBe(true);
    expect(watch.items.find((item) => item.input.endsWith('/broken.jpg'))?.status).toBe('failed');
    expect(watch.items.some((item) => item.input.endsWith('.clay.jpg'))).toBe(false);
    expect(server.stats().tasks_created).toBe(2);
  });
});
