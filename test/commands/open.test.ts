import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import type { CommandContext } from '../../src/cmdutil/context.js';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import type { SheetOptions } from '../../src/commands/sheet/define.js';
import { runSheet } from '../../src/commands/sheet/run.js';
import type { StylizeOptions } from '../../src/commands/stylize/define.js';
import { runStylize } from '../../src/commands/stylize/run.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { writePhotos } from '../helpers/images.js';
import { memoryIO } from '../helpers/terminal.js';
import { FakeProcess } from '../helpers/command.js';
import { tempDir } from '../helpers/tmp.js';

const KEY = 'sk-open-test-key';

/** stylize and sheet in-process on a fake clock, with a viewer that records what it was asked to open. */
async function setUp(face: 'tty' | 'pipe', env: NodeJS.ProcessEnv) {
  const clock = fakeClock(Date.now());
  const server = await emulator({ latencyMs: 10_000, now: clock.now });
  const client = new SparkClient({ baseUrl: server.url, apiKey: KEY, clock });
  const streams = memoryIO(face, { NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: tempDir('spark-open-config-'), SPARK_STYLE_API_KEY: KEY, ...env });
  const opened: string[] = [];
  const context: CommandContext = {
    io: streams.io,
    exitCode: ExitCode.OK,
    verbose: false,
    clock,
    argv: ['node', 'spark-style', 'stylize'],
    env: streams.io.env,
    process: new FakeProcess(),
    connect: async () => ({ client, baseUrl: server.url, emulator: null, close: async () => undefined }),
    openViewer: async (path) => void opened.push(path),
  };
  return { context, opened, stderr: streams.stderr };
}

const run = (extra: Partial<StylizeOptions>): StylizeOptions => ({ returnUrl: true, style: 'ghibli', timeout: '600', open: true, ...extra });

describe('--open', () => {
  it('on a desktop: one window for the whole run (the folder of several results)', async () => {
    const photos = await writePhotos(tempDir(), 2);
    const out = tempDir('spark-open-out-');
    const setup = await setUp('tty', { DISPLAY: ':0' });
    expect(await runStylize(photos, run({ out }), setup.context)).toBe(ExitCode.OK);
    expect(setup.opened).toEqual([out]);
    expect(setup.stderr()).toContain(`opened ${out}`);
  });

  it('under CI, in a pipe or without a display: nothing opened, and it says why', async () => {
    for (const [face, env, why] of [
      ['tty', { DISPLAY: ':0', CI: 'true' }, 'running under CI'],
      ['pipe', { DISPLAY: ':0' }, 'the output is not a terminal'],
      ['tty', {}, 'no display'],
    ] as const) {
      const photos = await writePhotos(tempDir(), 1);
      const setup = await setUp(face, env);
      expect(await runStylize(photos, run({}), setup.context)).toBe(ExitCode.OK);
      expect(existsSync(photos[0]!.replace(/\.jpg$/, '.ghibli.jpg'))).toBe(true);
      expect(setup.opened).toEqual([]);
      expect(setup.stderr()).toContain(`--open: nothing opened: ${why}`);
    }
  });

  it('sheet --report --open: the report only, never a second window for the sheet', async () => {
    const photos = await writePhotos(tempDir(), 1);
    const out = tempDir('spark-open-out-');
    const setup = await setUp('tty', { WAYLAND_DISPLAY: 'wayland-0' });
    const options: SheetOptions = { ...run({ out, style: 'ghibli,clay' }), report: join(out, 'report.html'), output: join(out, 'sheet.jpg'), width: 1200 };
    expect(await runSheet(photos, options, setup.context)).toBe(ExitCode.OK);
    expect(setup.opened).toEqual([join(out, 'report.html')]);
    const sheetOnly = await setUp('tty', { WAYLAND_DISPLAY: 'wayland-0' });
    expect(await runSheet(photos, { ...options, report: undefined }, sheetOnly.context)).toBe(ExitCode.OK);
    expect(sheetOnly.opened).toEqual([join(out, 'sheet.jpg')]);
  });
});
