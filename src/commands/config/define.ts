import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { describeCommand } from '../../cmdutil/help.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../../core/defaults.js';

const KEYS_HELP = `
Keys:
  api-key        your Vtrix API key (shown masked; 'set api-key -' reads it from stdin)
  base-url       API base URL (default https://cloud.vtrix.ai)
  default-style  style used when stylize gets no --style
  out-dir        folder for results when stylize gets no --out
  concurrency    tasks at once in a batch (1-${MAX_CONCURRENCY}, default ${DEFAULT_CONCURRENCY})
  name-template  how stylize names results when it gets no --name
                 (default '{dir}/{stem}.{style}.{ext}'; see 'spark-style stylize --help')

The file lives in $SPARK_STYLE_CONFIG_DIR, else $XDG_CONFIG_HOME/spark-style, else
~/.config/spark-style, with mode 0600. The key is looked up in --api-key, then
SPARK_STYLE_API_KEY, then VTRIX_API_KEY, then this file.
`;

export function defineConfig(program: Command, context: CommandContext): void {
  const config = program.command('config').description('read and change settings (api-key, base-url, default-style, out-dir, concurrency, name-template)');
  describeCommand(
    config,
    ['spark-style config set api-key - < key.txt', 'spark-style config set default-style ghibli', 'spark-style config list', 'spark-style config path'],
    KEYS_HELP,
  );
  const run = async (action: string, args: string[], options: { json?: boolean } = {}) => {
    const { runConfig } = await import('./run.js');
    context.exitCode = await runConfig(action, args, options, context);
  };
  describeCommand(
    config
      .command('set')
      .description("store a setting ('-' as the value reads it from stdin)")
      .argument('<key>')
      .argument('<value>')
      .action((key: string, value: string) => run('set', [key, value])),
    [
      'spark-style config set concurrency 8',
      'printf %s "$KEY" | spark-style config set api-key -',
      "spark-style config set name-template '{style}/{stem}.{ext}'",
    ],
  );
  describeCommand(
    config
      .command('get')
      .description('print one setting (the API key masked)')
      .argument('<key>')
      .option('--json', 'print {"key": ..., "value": ...}')
      .action((key: string, options: { json?: boolean }) => run('get', [key], options)),
    ['spark-style config get base-url'],
  );
  describeCommand(
    config
      .command('unset')
      .description('remove a setting')
      .argument('<key>')
      .action((key: string) => run('unset', [key])),
    ['spark-style config unset default-style'],
  );
  describeCommand(
    config
      .command('list')
      .description('print every setting (the API key masked) and where the key comes from')
      .option('--json', 'print one JSON object')
      .action((options: { json?: boolean }) => run('list', [], options)),
    ['spark-style config list', 'spark-style config list --json'],
  );
  describeCommand(
    config
      .command('path')
      .description('print the config file path')
      .action(() => run('path', [])),
    ['spark-style config path'],
  );
}
