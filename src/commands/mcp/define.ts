import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { describeCommand, integerOption } from '../../cmdutil/help.js';
import { DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT, MAX_CONCURRENCY } from '../../core/defaults.js';

export interface McpCommandOptions {
  root: string[];
  out?: string;
  allowUrls?: boolean;
  budget?: string;
  maxTasks?: number;
  timeout: string;
  concurrency: number;
  offline?: boolean;
  baseUrl?: string;
  insecure?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function defineMcp(program: Command, context: CommandContext): void {
  const command = program
    .command('mcp')
    .description('serve spark-style to AI agents over MCP (stdio): list_styles, check_image, estimate, stylize, task_status, history')
    .option('--root <dir>', 'a folder inputs may come from (repeatable; default: the working folder); symlinks are resolved first', collect, [])
    .option('--out <dir>', 'every result goes under this folder (default: beside each input, inside a root)')
    .option('--allow-urls', 'accept http(s) URLs as inputs')
    .option('--budget <usd>', 'US dollars the whole server session may spend; a call may set a smaller max_cost')
    .option('--max-tasks <n>', 'tasks the whole server session may create', integerOption(0, 1_000_000))
    .option('--timeout <duration>', 'how long stylize waits for each task: 90, 90s, 5m', DEFAULT_TIMEOUT)
    .option('-c, --concurrency <n>', 'tasks in flight at once within one call', integerOption(1, MAX_CONCURRENCY), DEFAULT_CONCURRENCY)
    .option('--offline', 'serve against the built-in emulator: no key, no network, no cost')
    .option('--base-url <url>', 'API base URL (else SPARK_STYLE_BASE_URL, config, https://cloud.vtrix.ai)')
    .option('--insecure', 'allow a plain-http base URL that is not loopback');
  command.action(async (options: McpCommandOptions) => {
    const { runMcp } = await import('./run.js');
    context.exitCode = await runMcp(options, context);
  });
  describeCommand(
    command,
    ['spark-style mcp --root ~/Pictures --budget 2.00', 'spark-style mcp --root photos/ --out art/ --max-tasks 50', 'spark-style mcp --offline'],
    `
The key comes from SPARK_STYLE_API_KEY (or the config file), never from a tool call, and never
appears in a result. stdout carries the protocol; notes go to stderr. See docs/mcp.md for the
JSON to add to Claude Desktop, VS Code or Cursor.
`,
  );
}
