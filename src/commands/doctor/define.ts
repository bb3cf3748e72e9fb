import type { Command } from 'commander';
import type { CommandContext } from '../../cmdutil/context.js';
import { describeCommand } from '../../cmdutil/help.js';
import { addConnectionOptions, type ConnectionFlags } from '../../cmdutil/connection-flags.js';

export interface DoctorOptions extends ConnectionFlags {
  json?: boolean;
  timeout?: string;
}

export function defineDoctor(program: Command, context: CommandContext): void {
  const command = program
    .command('doctor')
    .description('check the setup: Node, sharp, config, ledger, key, proxy, and whether the service accepts the key (creates no task)')
    .option('--json', 'one JSON object: {ok, exit_code, checks: [{check, status, detail, fix}]}')
    .option('--timeout <duration>', 'how long to wait for the service: 10, 10s, 1m', '10s')
    .option('--offline', 'check everything but the service and the key: the local setup, and the built-in emulator --offline runs use');
  addConnectionOptions(command).action(async (options: DoctorOptions) => {
    const { runDoctor } = await import('./run.js');
    context.exitCode = await runDoctor(options, context);
  });
  describeCommand(
    command,
    [
      'spark-style doctor',
      'spark-style doctor --offline',
      'spark-style doctor --json | jq \'.checks[] | select(.status != "pass")\'',
      'HTTPS_PROXY=http://proxy.corp:3128 spark-style doctor',
    ],
    `
One line per check; a failed check is followed by its fix. The key is tried by reading a
task id that cannot exist: 404 means the key works, 401/403 that it is refused. No task is
created and nothing is charged. With --offline, no key is needed and nothing leaves the machine:
the service checks are replaced by one of the built-in emulator on loopback.

Exit codes: 0 every check passed (warnings allowed), 3 the key is missing or refused,
4 the service cannot be reached (or TLS does not verify), 1 another check failed,
2 the base URL itself is not usable.
`,
  );
}
