import { Command } from 'commander';
import { STYLES } from '../catalog/styles.js';
import type { Clock } from '../core/clock.js';
import { TOOL_VERSION } from '../core/version.js';
import { COMMAND_TABLE } from './command-table.js';
import type { CommandContext } from '../cmdutil/context.js';
import { EXIT_CODE_HELP, ExitCode } from '../cmdutil/exit-codes.js';
import { processIO, type IO } from '../terminal/io.js';

function buildProgram(context: CommandContext): Command {
  const program = new Command('spark-style')
    .description(`Turn photos into art with the Vtrix Spark Style Template API (${STYLES.length} styles).`)
    .version(TOOL_VERSION, '-V, --version')
    .option('--verbose', 'log each request (method, URL, status, time) and stack traces on stderr; never the key')
    .option('--ledger <url>', 'the task ledger: postgres://... shared by a fleet of workers, or a ledger file (else SPARK_STYLE_LEDGER, config)')
    .configureHelp({ showGlobalOptions: true })
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void context.io.stdout.write(text),
      writeErr: (text) => void context.io.stderr.write(text),
    })
    .showHelpAfterError("(run 'spark-style --help' for usage)")
    .addHelpText(
      'after',
      `
Examples:
  $ spark-style stylize photo.jpg --style ghibli
  $ spark-style stylize photos/ --style watercolor,ink-wash --out art/
  $ spark-style stylize sample:bridge --style marvel --offline
  $ spark-style styles
  $ spark-style check *.jpg

${EXIT_CODE_HELP}

Environment: SPARK_STYLE_API_KEY (or VTRIX_API_KEY), SPARK_STYLE_BASE_URL,
SPARK_STYLE_CONFIG_DIR, SPARK_STYLE_LEDGER, SPARK_STYLE_LEASE_MS, NO_COLOR.`,
    );
  for (const define of COMMAND_TABLE) define(program, context);
  return program;
}

/**
 * What a command reaches outside itself besides its streams and environment (which the IO
 * carries): time, the API, the process, the viewer for --open. A real run takes the process's; the in-process test
 * harness (test/helpers/command.ts) brings a virtual clock, an emulator on that clock and a
 * fake process.
 */
export type Surroundings = Pick<CommandContext, 'clock' | 'connect' | 'process' | 'openViewer'>;

/**
 * The surroundings of a real run. What only commands use is loaded when first used
 * (core/clock.ts and the API client are not part of the startup bundle).
 */
function processSurroundings(): Surroundings {
  const clock: Clock = {
    now: () => Date.now(),
    sleep: async (ms, signal) => (await import('../core/clock.js')).systemClock.sleep(ms, signal),
  };
  return {
    clock,
    process,
    connect: async (target, options) => (await import('../cmdutil/connection.js')).openConnection(target, { clock, ...options }),
  };
}

/** The value of a program option given anywhere on the line (`--name value` or `--name=value`). */
function optionValue(argv: readonly string[], name: string): string | undefined {
  for (let index = argv.length - 1; index >= 2; index--) {
    const arg = argv[index]!;
    if (arg === name && index + 1 < argv.length) return argv[index + 1];
    if (arg.startsWith(`${name}=`)) return arg.slice(name.length + 1);
  }
  return undefined;
}

export async function main(argv: readonly string[], io: IO = processIO(), surroundings: Surroundings = processSurroundings()): Promise<number> {
  const context: CommandContext = {
    io,
    exitCode: ExitCode.OK,
    verbose: argv.includes('--verbose'),
    ledger: optionValue(argv, '--ledger'),
    argv,
    env: io.env,
    ...surroundings,
  };
  // `spark-style styles | head -1` closes the pipe early: that is not an error.
  io.stdout.on?.('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') context.process.exit(context.exitCode);
  });
  const program = buildProgram(context);
  if (argv.length <= 2) {
    program.outputHelp({ error: true });
    return ExitCode.USAGE;
  }
  try {
    await program.parseAsync(argv as string[]);
    return context.exitCode;
  } catch (error) {
    const commanderCode = commanderExitCode(error);
    if (commanderCode !== undefined) return commanderCode;
    const { reportError } = await import('./report-error.js');
    return reportError(error, context);
  }
}

/**
 * Commander has already printed its help, version or usage error (with the hint) by the time
 * it throws; only the exit code is left to decide. Kept here so `--help` loads nothing more.
 */
function commanderExitCode(error: unknown): number | undefined {
  const { code, exitCode } = error as { code?: unknown; exitCode?: unknown };
  if (typeof code !== 'string' || !code.startsWith('commander.')) return undefined;
  // Help and version set their own code (0); everything else commander throws is a usage error.
  if (code === 'commander.helpDisplayed' || code === 'commander.help' || code === 'commander.version') {
    return typeof exitCode === 'number' ? exitCode : ExitCode.OK;
  }
  return ExitCode.USAGE;
}
