import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cmdutil/context.js';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import type { WatchOptions } from '../../src/commands/watch/define.js';
import { runWatch } from '../../src/commands/watch/run.js';
import type { Faults } from '../../src/emulator/faults.js';
import type { RunningEmulator } from '../../src/emulator/server.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { FakeProcess } from '../helpers/command.js';
import { makeImage } from '../helpers/images.js';
import { memoryIO } from '../helpers/terminal.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-watch-inprocess-key';
const HEARTBEAT_MS = 60_000;

/**
 * `watch` in-process: the emulator and the command share a fake clock; every wait returns at
 * once except the heartbeat's, which the test lets go. Stopped as a SIGTERM stops it.
 */
async function setUp(
  options: { costPerTask?: string; faults?: Faults; configDir?: string; after?: { server: RunningEmulator; clock: ReturnType<typeof fakeClock> } } = {},
) {
  // A later run of the same watch: the same service (the ledger is per API origin) on the same clock.
  const clock = options.after?.clock ?? fakeClock(Date.now());
  const beats: (() => void)[] = [];
  const sleep = clock.sleep;
  clock.sleep = (ms, signal) => {
    if (ms !== HEARTBEAT_MS) return sleep(ms, signal);
    return new Promise<void>((resolve, reject) => {
      beats.push(resolve);
      signal?.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
    });
  };
  const server = options.after?.server ?? (await emulator({ latencyMs: 10_000, now: clock.now, costPerTask: options.costPerTask, faults: options.faults }));
  const streams = memoryIO('pipe', {
    NO_COLOR: '1',
    SPARK_STYLE_CONFIG_DIR: options.configDir ?? tempDir('spark-watch-config-'),
    SPARK_STYLE_API_KEY: KEY,
    SPARK_STYLE_BASE_URL: server.url,
  });
  // Stop signals go to the command's own (fake) process: nothing is sent to the test worker.
  const host = new FakeProcess();
  const context: CommandContext = {
    io: streams.io,
    exitCode: ExitCode.OK,
    verbose: true,
    clock,
    argv: ['node', 'spark-style', 'watch'],
    env: streams.io.env,
    process: host,
    connect: async () => {
      throw new Error('watch connects through the engine');
    },
  };
  /** Resolves once the stream holds the text (looked at on every write). */
  const holds = (stream: NodeJS.WritableStream, text: () => string, wanted: string) =>
    new Promise<void>((resolve) => {
      const look = () => {
        if (!text().includes(wanted)) return;
        (stream as unknown as NodeJS.ReadableStream).off('data', look);
        resolve();
      };
      (stream as unknown as NodeJS.ReadableStream).on('data', () => setImmediate(look));
      look();
    });
  return {
    server,
    clock,
    host,
    context,
    stdout: streams.stdout,
    stderr: streams.stderr,
    stdoutHas: (text: string) => holds(streams.io.stdout, streams.stdout, text),
    stderrHas: (text: string) => holds(streams.io.stderr, streams.stderr, text),
    beat: () => beats.shift()?.(),
  };
}

const options = (extra: Partial<WatchOptions>): WatchOptions => ({ style: 'ghibli', concurrency: 1, timeout: '600s', settle: '2s', json: true, ...extra });

describe('watch, in-process', () => {
  it('--budget for the whole watch: at the cap it stops creating and says so once; --json lines; a heartbeat with --verbose', async () => {
    const folder = realpathSync(tempDir('spark-watch-in-'));
    for (const [index, name] of ['a.jpg', 'b.jpg', 'c.jpg'].entries()) writeFileSync(join(folder, name), await makeImage(800 + index * 8, 600 + index * 4));
    const setup = await setUp();
    const running = runWatch([folder], options({ budget: '0.05', out: join(folder, 'art') }), setup.context);
    await setup.stderrHas("budget: the watch's cap is reached ($0.0300 of --budget $0.0500)");
    writeFileSync(join(folder, 'd.jpg'), await makeImage(900, 700));
    await setup.stdoutHas('/d.jpg"');
    setup.beat();
    await setup.stderrHas('watch: 1 saved, 0 skipped, 0 failed, 0 waiting; spent $0.0300');
    setup.host.emit('SIGTERM');
    expect(await running).toBe(ExitCode.INTERRUPTED);
    const lines = setup
      .stdout()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { input: string; status: string; error: { code: string } | null });
    // One line per item, in the order they ended.
    expect(lines.map((line) => [line.input.slice(folder.length + 1), line.status, line.error?.code ?? null]).sort()).toEqual([
      ['a.jpg', 'saved', null],
      ['b.jpg', 'cancelled', 'budget'],
      ['c.jpg', 'cancelled', 'budget'],
      ['d.jpg', 'cancelled', 'budget'],
    ]);
    expect(setup.stderr().match(/cap is reached/g)).toHaveLength(1);
    expect(setup.stderr()).toContain('stopping: no new photos');
    expect(setup.server.stats().tasks_created).toBe(1);
  });

  it('a failed photo gets its line and the watch goes on; a key echoed by a hostile service is never printed', async () => {
    const folder = realpathSync(tempDir('spark-watch-in-'));
    writeFileSync(join(folder, 'a.jpg'), await makeImage(800, 600));
    const setup = await setUp({ faults: { failEvery: 1, hostileMessage: `refused: Bearer ${KEY}` } });
    const running = runWatch([folder], options({ json: false }), setup.context);
    await setup.stderrHas('failed');
    setup.host.emit('SIGTERM');
    expect(await running).toBe(ExitCode.INTERRUPTED);
    expect(setup.stderr()).toMatch(/failed .*a\.jpg \(ghibli\): .*refused: Bearer \[redacted\]/);
    expect(setup.stderr() + setup.stdout()).not.toContain(KEY);
  });

  it('a photo rewritten after its result was saved: one warning line naming the result and the way out; nothing overwritten', async () => {
    const folder = realpathSync(tempDir('spark-watch-in-'));
    const photo = join(folder, 'a.jpg');
    writeFileSync(photo, await makeImage(800, 600));
    const setup = await setUp();
    const running = runWatch([folder], options({ json: false, out: join(folder, 'art') }), setup.context);
    await setup.stderrHas('saved ');
    const result = join(folder, 'art', 'a.ghibli.jpg');
    const first = readFileSync(result);
    writeFileSync(photo, await makeImage(808, 604));
    await setup.stderrHas('changed after its result');
    setup.host.emit('SIGTERM');
    expect(await running).toBe(ExitCode.INTERRUPTED);
    expect(setup.stderr()).toContain(`${photo} changed after its result ${result} was saved; the new version was not sent`);
    expect(setup.stderr()).toContain(`move or rename ${result}, then touch the photo`);
    expect(readFileSync(result).equals(first)).toBe(true);
    expect(setup.server.stats().tasks_created).toBe(1);
  });

  it('--resend-unknown: a photo whose create had an unknown outcome is held back (the hint names the flag watch has) until the flag sends it again', async () => {
    const folder = realpathSync(tempDir('spark-watch-in-'));
    const configDir = tempDir('spark-watch-config-');
    writeFileSync(join(folder, 'a.jpg'), await makeImage(800, 600));
    // The create makes its task, then the connection drops: the ledger cannot know it was made.
    const dropped = await setUp({ configDir, faults: { dropCreate: { count: 1 } } });
    const first = runWatch([folder], options({ out: join(folder, 'art') }), dropped.context);
    await dropped.stdoutHas('a.jpg"');
    dropped.host.emit('SIGTERM');
    expect(await first).toBe(ExitCode.INTERRUPTED);
    expect(dropped.server.stats().tasks_created).toBe(1);

    const held = await setUp({ configDir, after: dropped });
    const second = runWatch([folder], options({ out: join(folder, 'art') }), held.context);
    await held.stdoutHas('outcome unknown');
    held.host.emit('SIGTERM');
    expect(await second).toBe(ExitCode.INTERRUPTED);
    expect(held.stdout()).toContain('add --resend-unknown to send it again');
    expect(held.server.stats().creates_received).toBe(1);

    const resent = await setUp({ configDir, after: dropped });
    const third = runWatch([folder], options({ out: join(folder, 'art'), resendUnknown: true }), resent.context);
    await resent.stdoutHas('"saved"');
    resent.host.emit('SIGTERM');
    expect(await third).toBe(ExitCode.INTERRUPTED);
    expect(resent.server.stats().tasks_created).toBe(2);
  });
});
