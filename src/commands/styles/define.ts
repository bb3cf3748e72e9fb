import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { STYLES } from '../../catalog/styles.js';
import { describeCommand } from '../../cmdutil/help.js';
// Static on purpose: `styles` must start as fast as bare node, and the catalog is a few KB.
import { runStyles } from './run.js';

export interface StylesOptions {
  json?: boolean;
  quiet?: boolean;
}

export function defineStyles(program: Command, context: CommandContext): void {
  const command = program
    .command('styles')
    .description(`list the ${STYLES.length} styles: alias, name, req_key, sub_req_key`)
    .option('--json', 'print a JSON array of {alias, name, req_key, sub_req_key}')
    .option('-q, --quiet', 'print the aliases only, one per line')
    .action((options: StylesOptions) => {
      context.exitCode = runStyles(options, context.io);
    });
  describeCommand(command, ['spark-style styles', 'spark-style styles --json', 'spark-style styles --quiet | fzf']);
}
