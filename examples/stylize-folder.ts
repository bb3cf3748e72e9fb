// Stylize a folder with a budget, print the events, and stop cleanly on Ctrl-C.
//
//   npx tsx examples/stylize-folder.ts photos/ art/            (SPARK_STYLE_API_KEY set)
//   npx tsx examples/stylize-folder.ts photos/ art/ --offline  (the built-in emulator: free)
//
// Against the real service this spends at most $2.00. Run it again after Ctrl-C: the ledger
// remembers every task, so what was paid for is collected, never paid for twice.
import { createSparkStyle, type RunEvent, type RunResult, type SparkStyleOptions, SparkError } from 'spark-style';

export async function stylizeFolder(
  folder: string,
  outDir: string,
  options: SparkStyleOptions,
  signal?: AbortSignal,
  print: (line: string) => void = console.log,
): Promise<RunResult> {
  const client = createSparkStyle(options);
  try {
    const run = client.stylize([folder], { styles: 'ghibli', outDir, budget: 2.0, concurrency: 4, signal });
    for await (const event of run) print(describe(event));
    return await run.result;
  } finally {
    await client.close();
  }
}

function describe(event: RunEvent): string {
  switch (event.type) {
    case 'run-started':
      return `${event.total} photos to stylize${event.offline ? ' (offline)' : ''}`;
    case 'task-created':
      return `${event.item.input}: ${event.reused ? 'collecting task' : 'created task'} ${event.taskId}`;
    case 'item-finished':
      return `${event.item.input}: ${event.result.status}${event.result.output ? ` -> ${event.result.output}` : ''}${event.result.error ? ` (${event.result.error.message})` : ''}`;
    case 'run-finished':
      return `saved ${event.summary.saved}, ${event.summary.tasks_created} tasks, $${event.summary.cost_usd}`;
    case 'notice':
    case 'warning':
      return event.message;
    default:
      return `${event.type}`;
  }
}

async function main(argv: readonly string[]): Promise<number> {
  const [folder, outDir] = argv;
  if (!folder || !outDir) {
    console.error('usage: stylize-folder <folder> <out-dir> [--offline]');
    return 2;
  }
  // The first Ctrl-C stops the run the gentle way: nothing new starts, creates on the wire are recorded.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  const offline = argv.includes('--offline');
  try {
    const result = await stylizeFolder(folder, outDir, offline ? { offline: true } : { apiKey: process.env.SPARK_STYLE_API_KEY }, controller.signal);
    if (result.interrupted) console.log('stopped: run the same command again to finish, without paying twice');
    if (result.budgetStop) console.log(`budget: ${result.budgetStop.held.length} photos not started`);
    return result.exitCode;
  } catch (error) {
    if (!(error instanceof SparkError)) throw error;
    console.error(`error: ${error.message}${error.hint ? `\n${error.hint}` : ''}`);
    return error.exitCode;
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/.*[\\/]/, ''))) process.exitCode = await main(process.argv.slice(2));
