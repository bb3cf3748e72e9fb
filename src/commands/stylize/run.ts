import type { CommandContext } from '../../cmdutil/context.js';
import { engineFor, type CommandEngine } from '../../cmdutil/engine.js';
import { ExitCode, worstExitCode } from '../../cmdutil/exit-codes.js';
import { handleInterrupts } from '../../cmdutil/interrupt.js';
import { withoutApiKey, withoutLedgerPassword } from '../../core/secrets.js';
import type { Run, RunResult, SparkStyle, StylizeOptions } from '../../engine/types.js';
import { checkRebuildableTarget } from '../../sheet/save-rebuildable.js';
import { palette } from '../../terminal/colors.js';
import { RunReporter } from '../../terminal/reporter.js';
import { readAllStdin } from '../../terminal/stdin.js';
import { afterBatch } from './after-run.js';
import type { StylizeOptions as StylizeFlags } from './define.js';
import { printDryRun } from './dry-run.js';
import { stylizeOptionsOf } from './options.js';
import { describeRunEnd, type ResumeNote } from './run-end.js';

/** What a command built on stylize (sheet) changes: the layout its --dry-run checks, how its run starts, its own step after. */
export interface BuiltOnStylize<Result extends RunResult> {
  readonly sheetLayout?: StylizeOptions['sheetLayout'];
  start(client: SparkStyle, inputs: readonly string[], options: StylizeOptions): Run<Result>;
  /** What it prints of the finished run: its exit code, and the file it made (for --open). */
  after(result: Result): Promise<{ code: number; made: string | null }>;
}

/**
 * `stylize`: the flags as library options, the run's events rendered (spinner, lines, --json),
 * Ctrl-C / SIGTERM / SIGHUP as the run's AbortSignal, the exit code. `built`: a command built
 * on stylize (sheet), whose run is its own client method.
 */
export async function runStylize<Result extends RunResult = RunResult>(
  inputs: string[],
  flags: StylizeFlags,
  context: CommandContext,
  built?: BuiltOnStylize<Result>,
): Promise<number> {
  const { io } = context;
  if (flags.report) await checkRebuildableTarget(flags.report, '--report', 'report');
  const engine = await engineFor(context, flags);
  const options = stylizeOptionsOf(flags, () => readAllStdin(io.stdin));
  if (flags.dryRun) {
    const plan = await engine.client.plan(inputs, { ...options, sheetLayout: built?.sheetLayout });
    for (const { path, reason } of plan.leftOut) if (!flags.quiet) io.info(`note: left out ${path}: ${reason}`);
    printDryRun(plan, io, flags.json === true);
    return ExitCode.OK;
  }
  const interrupt = handleInterrupts(context.process);
  let result: Result;
  try {
    const runOptions = { ...options, signal: interrupt.signal };
    const run = built ? built.start(engine.client, inputs, runOptions) : (engine.client.stylize(inputs, runOptions) as Run<Result>);
    result = await renderRun(run, flags, context, engine);
  } finally {
    interrupt.dispose();
    await engine.client.close();
  }
  const resume: ResumeNote = {
    // The key is never part of a command printed for people: it stays where it came from.
    command: ['spark-style', ...withoutLedgerPassword(withoutApiKey(context.argv.slice(2)))],
    readStdin: inputs.includes('-'),
    keyFromFlag: flags.apiKey !== undefined,
  };
  const ending = describeRunEnd(result, resume);
  if (ending) io.info(ending);
  const afterCode = await afterBatch(
    { ...result, secrets: engine.target.apiKey ? [engine.target.apiKey.key] : [] },
    flags,
    context,
    built && (() => built.after(result)),
  );
  return worstExitCode([result.exitCode, afterCode]);
}

/** The run's events as people (or --json readers) see them; returns its result. */
async function renderRun<Result extends RunResult>(
  run: Run<Result>,
  flags: StylizeFlags,
  { io, clock }: CommandContext,
  engine: CommandEngine,
): Promise<Result> {
  const paint = palette(io.colorEnabled);
  let reporter: RunReporter | null = null;
  for await (const event of run) {
    if (event.type === 'input-left-out') {
      if (!flags.quiet) io.info(`note: left out ${event.path}: ${event.reason}`);
    } else if (event.type === 'run-started') {
      const started = new RunReporter(io, {
        json: flags.json === true,
        quiet: flags.quiet === true,
        total: event.total,
        offline: event.offline,
        now: clock.now,
      });
      engine.log = (line) => started.note(paint.dim(line));
      started.start();
      reporter = started;
    } else if (event.type === 'run-finished') {
      reporter?.finish(event.summary);
      if (engine.target.offline && !flags.quiet && event.summary.saved > 0)
        io.info(paint.dim('offline: made by the built-in emulator; nothing was sent to Vtrix and nothing was charged'));
    } else reporter?.handle(event);
  }
  return run.result;
}
