import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SparkClient } from '../../src/api/client.js';
import type { CommandContext } from '../../src/cmdutil/context.js';
import { ExitCode, exitCodeForKind } from '../../src/cmdutil/exit-codes.js';
import type { SheetOptions } from '../../src/commands/sheet/define.js';
import { runSheet } from '../../src/commands/sheet/run.js';
import type { StylizeOptions } from '../../src/commands/stylize/define.js';
import { runStylize } from '../../src/commands/stylize/run.js';
import { isSparkError } from '../../src/core/errors.js';
import { emulator } from '../helpers/emulator.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { makeImage } from '../helpers/images.js';
import { memoryIO } from '../helpers/terminal.js';
import { FakeProcess } from '../helpers/command.js';
import { tempDir } from '../helpers/tmp.js';

/** A command's context in-process, against an emulator on loopback whose tasks the test counts. */
async function setUp() {
  const clock = fakeClock(Date.UTC(2030, 5, 1));
  const server = await emulator({ latencyMs: 1000, now: clock.now, plain: true });
  const streams = memoryIO('pipe', {
    NO_COLOR: '1',
    SPARK_STYLE_CONFIG_DIR: tempDir('spark-style-config-'),
    SPARK_STYLE_API_KEY: 'sk-preflight-key',
    SPARK_STYLE_BASE_URL: server.url,
  });
  let connected = 0;
  const context: CommandContext = {
    io: streams.io,
    exitCode: ExitCode.OK,
    verbose: false,
    clock,
    argv: ['node', 'spark-style'],
    env: streams.io.env,
    process: new FakeProcess(),
    connect: async () => {
      connected++;
      return {
        client: new SparkClient({ baseUrl: server.url, apiKey: 'sk-preflight-key', clock }),
        baseUrl: server.url,
        emulator: null,
        close: async () => undefined,
      };
    },
  };
  return { server, context, ...streams, connected: () => connected };
}

/** What the CLI's top level makes of a thrown error: its exit code, and its one line. */
async function exitOf(run: Promise<number>): Promise<{ code: number; message: string }> {
  try {
    return { code: await run, message: '' };
  } catch (error) {
    if (!isSparkError(error)) throw error;
    return { code: exitCodeForKind(error.kind), message: error.message };
  }
}

async function portraitPhoto(): Promise<string> {
  const path = join(tempDir(), 'portrait.jpg');
  writeFileSync(path, await makeImage(900, 1200));
  return path;
}

const sheetOptions = (extra: Partial<SheetOptions>): SheetOptions => ({ returnUrl: true, width: 2400, style: 'all', out: tempDir(), ...extra });

describe('a sheet that JPEG cannot hold is refused before paying', () => {
  it.each([
    ['1 column of all 22 styles at --width 2100', { width: 2100, columns: 1 }, /would be 2100 x \d{5} pixels; a JPEG holds at most 65535 on a side/],
    ['--width 10000 --columns 3', { width: 10_000, columns: 3 }, /would be 10000 x \d+ pixels \(\d+ megapixels\); a sheet holds at most 64/],
  ])('%s: exit 2, no task created, nothing sent', async (_, extra, message) => {
    const setup = await setUp();
    const outcome = await exitOf(runSheet([await portraitPhoto()], sheetOptions(extra), setup.context));
    expect(outcome.code).toBe(ExitCode.USAGE);
    expect(outcome.message).toMatch(message);
    expect(outcome.message).toMatch(/nothing was sent$/);
    expect(setup.server.stats().creates_received).toBe(0);
    expect(setup.connected()).toBe(0);
  });

  it('--dry-run says so too', async () => {
    const setup = await setUp();
    const outcome = await exitOf(runSheet([await portraitPhoto()], sheetOptions({ width: 2100, columns: 1, dryRun: true }), setup.context));
    expect(outcome.code).toBe(ExitCode.USAGE);
    expect(outcome.message).toMatch(/a JPEG holds at most 65535/);
  });
});

describe('--report and sheet -o name only regular files', () => {
  it('--report /dev/zero is refused before anything is sent, and nothing is created in /dev', async () => {
    const setup = await setUp();
    const before = readdirSync('/dev');
    const photo = join(tempDir(), 'a.jpg');
    writeFileSync(photo, await makeImage(900, 700));
    for (const target of ['/dev/zero', '/dev/stdout', '/dev/null']) {
      const options: StylizeOptions = { returnUrl: true, style: 'ghibli', out: tempDir(), report: target };
      const outcome = await exitOf(runStylize([photo], options, setup.context));
      expect(outcome).toEqual({
        code: ExitCode.USAGE,
        message: `--report ${target}: it is not a regular file (only an earlier report can be replaced); nothing was sent`,
      });
    }
    expect(setup.server.stats().creates_received).toBe(0);
    expect(readdirSync('/dev')).toEqual(before);
  });

  it('sheet -o on a device is refused the same way', async () => {
    const setup = await setUp();
    const outcome = await exitOf(runSheet([await portraitPhoto()], sheetOptions({ style: 'ghibli', output: '/dev/null' }), setup.context));
    expect(outcome.code).toBe(ExitCode.USAGE);
    expect(outcome.message).toBe('-o /dev/null: it is not a regular file (only an earlier sheet can be replaced); nothing was sent');
    expect(setup.server.stats().creates_received).toBe(0);
  });
});
