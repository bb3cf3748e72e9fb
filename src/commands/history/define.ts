import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { describeCommand, integerOption } from '../../cmdutil/help.js';

export interface HistoryOptions {
  since?: string;
  style?: string;
  status?: string;
  limit?: number;
  json?: boolean;
}

export function defineHistory(program: Command, context: CommandContext): void {
  const command = program
    .command('history')
    .description('the task ledger: when, input, style, task id, status, output and cost of every task')
    .option('--since <age|date>', 'only tasks since then: 90m, 12h, 2d, 1w, a date such as 2026-11-01, today or yesterday')
    .option('-s, --style <style>', 'only this style (alias or req_key)')
    .option('--status <status>', 'only this status: saved, failed, open, unknown, expired, never-sent')
    .option('-n, --limit <n>', 'at most n tasks, newest first', integerOption(1, 10_000_000))
    .option('--json', 'one JSON object per line (the default when stdout is not a terminal)')
    .action(async (options: HistoryOptions) => {
      const { runHistory } = await import('./run.js');
      context.exitCode = await runHistory(options, context);
    });
  describeCommand(
    command,
    [
      'spark-style history',
      'spark-style history --since 2d --style ghibli',
      'spark-style history --status unknown          # tasks to check in the Vtrix console',
      'spark-style history --json | jq -r \'select(.status == "saved") | .output\'',
      'spark-style history --since 1w --json | jq -s \'map(.cost // "0" | tonumber) | add\'',
    ],
    `
On a terminal: a table, newest first, then the total cost. Otherwise (or with --json): one
object per line, {at, input, style, task_id, status, output, cost, error_code}, with null where
a value is unknown, and the total on stderr. Statuses: saved, failed, open (still to collect),
unknown (a create whose answer was lost: check the Vtrix console), expired, never-sent.
`,
  );
}
