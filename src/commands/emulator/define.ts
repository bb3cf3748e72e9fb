import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { choiceOption, describeCommand, integerOption } from '../../cmdutil/help.js';

export interface EmulatorCommandOptions {
  host: string;
  port: number;
  latency: number;
  key?: string;
  failEvery?: number;
  failCode: string;
  rateLimitAfter?: number;
  rateLimitCount?: number;
  retryAfter: number;
  createError?: number;
  createErrorCount: number;
  neverFinish?: boolean;
  answerDelay?: number;
  plain?: boolean;
  wire: 'standard' | 'task-id' | 'string-error' | 'mixed';
}

export function defineEmulator(program: Command, context: CommandContext): void {
  const command = program
    .command('emulator')
    .description('serve the Spark Style protocol on loopback, with real stylized images (for trying things out, tests, benchmarks)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'API port (0 picks a free one); results are served on another free port', integerOption(0, 65535), 8787)
    .option('--latency <ms>', 'time from create to completed', integerOption(0, 3_600_000), 3000)
    .option('--key <key>', 'accept only this API key (default: any non-empty key)')
    .option('--fail-every <n>', 'every nth task fails', integerOption(1, 1_000_000))
    .option('--fail-code <code>', 'the seed code failing tasks report', '003008095')
    .option('--rate-limit-after <n>', 'after n creates, answer 429 ...', integerOption(0, 1_000_000))
    .option('--rate-limit-count <n>', '... to this many creates', integerOption(0, 1_000_000))
    .option('--retry-after <seconds>', 'Retry-After sent with those 429s', integerOption(0, 3600), 1)
    .option('--create-error <status>', 'answer creates with this HTTP status (e.g. 503, 502)', integerOption(400, 599))
    .option('--create-error-count <n>', 'how many creates get --create-error', integerOption(0, 1_000_000), 1)
    .option('--never-finish', 'tasks stay in_progress forever')
    .option('--answer-delay <ms>', 'create each task at once but answer its create only after ms (a slow gateway or uplink)', integerOption(0, 3_600_000))
    .option('--plain', 'return the input image unchanged (fast; for benchmarks)')
    .option(
      '--wire <variant>',
      'answer shape: standard, task-id, string-error, or mixed',
      choiceOption(['standard', 'task-id', 'string-error', 'mixed'] as const),
      'standard',
    )
    .action(async (options: EmulatorCommandOptions) => {
      const { runEmulator } = await import('./run.js');
      context.exitCode = await runEmulator(options, context);
    });
  describeCommand(command, [
    'spark-style emulator',
    'spark-style emulator --port 0 --latency 10000 --plain',
    'spark-style emulator --fail-every 3 --rate-limit-after 5 --rate-limit-count 10',
    'SPARK_STYLE_BASE_URL=http://127.0.0.1:8787 spark-style stylize photo.jpg --style ghibli --api-key test',
  ]);
}
