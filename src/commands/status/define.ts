import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { describeCommand } from '../../cmdutil/help.js';
import { DEFAULT_TIMEOUT } from '../../core/defaults.js';
import { addConnectionOptions, type ConnectionFlags } from '../../cmdutil/connection-flags.js';

export interface StatusOptions extends ConnectionFlags {
  wait?: boolean;
  save?: string;
  overwrite?: boolean;
  timeout?: string;
  json?: boolean;
}

export function defineStatus(program: Command, context: CommandContext): void {
  const command = program
    .command('status')
    .description('read tasks by id: status, progress, cost, result URLs, error; optionally wait and save')
    .argument('<task-ids...>', 'task ids, as printed by stylize or found with spark-style history')
    .option('-w, --wait', 'poll until each task completes or fails')
    .option('--save <dir>', 'download the results into this folder (created if missing)')
    .option('--overwrite', 'with --save: replace files that exist')
    .option('--timeout <duration>', 'with --wait: how long to wait per task: 90, 90s, 5m', DEFAULT_TIMEOUT)
    .option('--json', 'one JSON object per task');
  addConnectionOptions(command).action(async (taskIds: string[], options: StatusOptions) => {
    const { runStatus } = await import('./run.js');
    context.exitCode = await runStatus(taskIds, options, context);
  });
  describeCommand(command, [
    'spark-style status d758n65e878c73cmdg20',
    'spark-style status d758n65e878c73cmdg20 --wait --save art/',
    'spark-style status d758n65e878c73cmdg20 --json',
  ]);
}
