import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { describeCommand, integerOption } from '../../cmdutil/help.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, MAX_CONCURRENCY } from '../../core/defaults.js';

export interface WatchOptions {
  style?: string;
  out?: string;
  name?: string;
  fix?: boolean;
  resendUnknown?: boolean;
  watermark?: boolean;
  concurrency: number;
  budget?: string;
  maxTasks?: number;
  timeout: string;
  settle: string;
  polling?: boolean;
  recursive?: boolean;
  json?: boolean;
  offline?: boolean;
  baseUrl?: string;
  insecure?: boolean;
}

export function defineWatch(program: Command, context: CommandContext): void {
  const command = program
    .command('watch')
    .description('stylize every photo in the folders, then every new one once it has stopped growing; restarts pay nothing twice')
    .argument('<folders...>', 'folders to watch (their subfolders too with --recursive)')
    .option('-s, --style <styles>', 'style aliases, comma-separated, or "all" (default: config default-style)')
    .option('-o, --out <dir>', 'save results here (never taken as inputs, even inside a watched folder); default: beside each photo')
    .option('--name <template>', 'where results go, relative to --out: {stem} {style} {ext} {dir} {date} {task}')
    .option('--fix', 'convert, rotate, resize and re-encode photos the API would refuse (the originals are not changed)')
    .option('--resend-unknown', 'send again photos whose earlier create has an unknown outcome (it may have been charged: check the Vtrix console first)')
    .option('--watermark', 'add the "AI generated" watermark')
    .option('-c, --concurrency <n>', 'tasks in flight at once', integerOption(1, MAX_CONCURRENCY), DEFAULT_CONCURRENCY)
    .option('--budget <usd>', 'US dollars the whole watch may spend; at the cap it stops creating and keeps collecting')
    .option('--max-tasks <n>', 'tasks the whole watch may create', integerOption(0, 1_000_000))
    .option('--timeout <duration>', 'how long to wait for each task: 90, 90s, 5m', DEFAULT_TIMEOUT)
    .option('--settle <duration>', 'how long a new file must stop growing before it is sent', '2s')
    .option('-r, --recursive', 'watch subfolders too (results beside each photo: not with --out, where names from two folders could meet)')
    .option('--polling', "poll the folders instead of the system's file events (network shares, some container mounts)")
    .option('--json', 'one JSON object per item on stdout (for log shippers)')
    .option('--offline', 'run against the built-in emulator: no key, no network, no cost')
    .option('--base-url <url>', 'API base URL (else SPARK_STYLE_BASE_URL, config, https://cloud.vtrix.ai)')
    .option('--insecure', 'allow a plain-http base URL that is not loopback');
  command.action(async (folders: string[], options: WatchOptions) => {
    const { runWatch } = await import('./run.js');
    context.exitCode = await runWatch(folders, options, context);
  });
  describeCommand(
    command,
    [
      'spark-style watch inbox/ --style ghibli',
      'spark-style watch inbox/ --style watercolor --out inbox/art --budget 5',
      'spark-style watch /srv/drop --style clay --json',
    ],
    `
Stop it at any moment (Ctrl-C, SIGTERM, even a kill) and start it again: tasks in flight are
collected, what is done is skipped. The key comes from SPARK_STYLE_API_KEY or the config file.
See docs/watch.md for a systemd unit and a docker example.
`,
  );
}
