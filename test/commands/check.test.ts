import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cmdutil/context.js';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { runCheck } from '../../src/commands/check/run.js';
import { fakeClock } from '../helpers/fake-clock.js';
import { memoryIO } from '../helpers/terminal.js';

const photo = (name: string) => fileURLToPath(new URL(`../../fixtures/photos/${name}`, import.meta.url));

function contextOn(face: 'tty' | 'pipe') {
  const streams = memoryIO(face, {});
  const context: CommandContext = {
    io: streams.io,
    exitCode: ExitCode.OK,
    verbose: false,
    clock: fakeClock(),
    argv: [],
    env: streams.io.env,
    connect: () => Promise.reject(new Error('check never connects')),
  };
  return { context, ...streams };
}

describe('check, in-process', () => {
  it('colours its verdicts on a terminal, and only there', async () => {
    const files = [photo('bridge_1302x953.jpg'), photo('rocket_640x427.jpg')];
    const tty = contextOn('tty');
    expect(await runCheck(files, {}, tty.context)).toBe(ExitCode.ITEM_FAILED);
    expect(tty.stdout()).toContain('\u001B[32m');
    expect(tty.stdout()).toContain('\u001B[31mmin-size: 640x427 is too small');

    const pipe = contextOn('pipe');
    expect(await runCheck(files, {}, pipe.context)).toBe(ExitCode.ITEM_FAILED);
    expect(pipe.stdout()).not.toContain('\u001B[');
    expect(pipe.stdout()).toContain(`${files[1]}: min-size: 640x427 is too small`);
  });
});
