import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { UsageError } from '../../core/errors.js';
import { isLoopbackHost } from '../../core/loopback.js';
import type { Faults } from '../../emulator/faults.js';
import { startEmulator } from '../../emulator/server.js';
import type { EmulatorCommandOptions } from './define.js';

export async function runEmulator(options: EmulatorCommandOptions, { io, process: host }: CommandContext): Promise<number> {
  const faults: Faults = {
    neverFinish: options.neverFinish,
    ...(options.failEvery ? { failEvery: options.failEvery, failCode: options.failCode } : {}),
    ...(options.rateLimitCount
      ? { rateLimit: { after: options.rateLimitAfter ?? 0, count: options.rateLimitCount, retryAfterSeconds: options.retryAfter } }
      : {}),
    ...(options.answerDelay ? { delayAnswer: { after: 0, delayMs: options.answerDelay } } : {}),
    ...(options.createError ? { createError: { status: options.createError, after: 0, count: options.createErrorCount } } : {}),
  };
  if (!isLoopbackHost(options.host)) io.info(`warning: listening on ${options.host}, reachable from other machines`);
  const emulator = await startEmulator({
    host: options.host,
    port: options.port,
    latencyMs: options.latency,
    key: options.key,
    faults,
    plain: options.plain,
    wire: options.wire,
  }).catch((error: NodeJS.ErrnoException) => {
    // A port taken or not ours to take is the caller's choice to change, not a crash.
    if (error.code === 'EADDRINUSE')
      throw new UsageError(`port ${options.port} is in use`, { code: 'port-in-use', hint: 'choose another --port, or --port 0 for a free one' });
    if (error.code === 'EACCES')
      throw new UsageError(`port ${options.port}: not allowed to listen on it`, { code: 'port-denied', hint: 'choose a --port above 1023, or --port 0' });
    throw error;
  });
  // The URL alone on stdout's first line, so scripts can read it: `read URL < <(spark-style emulator --port 0)`.
  io.print(emulator.url);
  io.info(`emulator: API on ${emulator.url}, results on ${emulator.resultUrl}; stats at ${emulator.url}/_emulator/stats`);
  io.info(`try: SPARK_STYLE_BASE_URL=${emulator.url} spark-style stylize photo.jpg --style ghibli --api-key ${options.key ?? 'any'}`);
  // Serves until Ctrl-C or SIGTERM (through the command's process, so an in-process test can stop it).
  await new Promise<void>((resolve) => {
    const stop = () => {
      host.off('SIGINT', stop);
      host.off('SIGTERM', stop);
      resolve();
    };
    host.on('SIGINT', stop);
    host.on('SIGTERM', stop);
  });
  await emulator.close();
  return ExitCode.OK;
}
