import type { CommandContext } from '../../src/cmdutil/context.js';
import { ExitCode } from '../../src/cmdutil/exit-codes.js';
import { FakeProcess } from './command.js';
import { fakeClock } from './fake-clock.js';
import { memoryIO } from './terminal.js';

/**
 * A hand-built context for calling one command's run function in-process: memory streams in a
 * pipe, its own config folder, a fake clock and process, and a connection that is never made
 * (for commands that must not reach any service).
 */
export function contextIn(configDir: string, env: Record<string, string> = {}) {
  const streams = memoryIO('pipe', { NO_COLOR: '1', SPARK_STYLE_CONFIG_DIR: configDir, ...env });
  const context: CommandContext = {
    io: streams.io,
    exitCode: ExitCode.OK,
    verbose: false,
    clock: fakeClock(),
    argv: [],
    env: streams.io.env,
    process: new FakeProcess(),
    connect: () => Promise.reject(new Error('never connects')),
  };
  return { context, ...streams };
}
