import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { handleInterrupts } from '../../cmdutil/interrupt.js';
import { keyToHide } from '../../cmdutil/key-to-hide.js';
import { UsageError } from '../../core/errors.js';
import { createSparkStyle } from '../../index.js';
import type { McpContext } from '../../mcp/context.js';
import { RootError, Roots } from '../../mcp/roots.js';
import { createMcpServer } from '../../mcp/server.js';
import { SessionAllowance } from '../../session/allowance.js';
import { usdToMicro } from '../../session/usd.js';
import type { McpCommandOptions } from './define.js';

/**
 * `spark-style mcp`: the MCP server on stdin/stdout until the client goes away (stdin ends)
 * or a stop signal comes; a call in progress is then aborted as Ctrl-C aborts a run.
 */
export async function runMcp(options: McpCommandOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const budgetMicro = options.budget === undefined ? null : usdToMicro(options.budget);
  if (options.budget !== undefined && budgetMicro === null)
    throw new UsageError(`--budget ${options.budget}: expected an amount in US dollars, such as 5 or 2.50`);
  const cwd = process.cwd();
  const roots = await Roots.of(options.root, cwd).catch((error: unknown) => {
    throw error instanceof RootError ? new UsageError(error.message) : error;
  });
  const outDir = options.out === undefined ? null : await roots.outputFolder(options.out).catch(() => null);
  if (options.out !== undefined && outDir === null) throw new UsageError(`--out ${options.out}: must be a folder inside a --root`);
  const client = createSparkStyle({
    loadConfig: true,
    env: context.env,
    clock: context.clock,
    offline: options.offline === true,
    baseUrl: options.baseUrl,
    insecure: options.insecure,
    log: context.verbose ? (line) => io.info(line) : undefined,
  });
  const mcp: McpContext = {
    client,
    roots,
    outDir,
    allowUrls: options.allowUrls === true,
    allowance: new SessionAllowance({ budgetMicro, maxTasks: options.maxTasks ?? null }),
    timeout: options.timeout,
    concurrency: options.concurrency,
    running: new Set(),
    secrets: [await keyToHide(context.env)].filter((key): key is string => key !== null),
  };
  const server = createMcpServer(mcp);
  const transport = new StdioServerTransport(io.stdin as NodeJS.ReadStream, io.stdout as NodeJS.WriteStream);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = resolve;
    io.stdin.once('end', () => {
      if (mcp.running.size > 0) io.info(`spark-style mcp: the client went away; finishing ${mcp.running.size} call(s) in flight (their creates are recorded)`);
      void server.close();
    });
  });
  const interrupt = handleInterrupts(context.process, () => void server.close());
  try {
    await server.connect(transport);
    io.info(`spark-style mcp: serving on stdio; inputs under ${roots.folders.join(', ')}${options.offline ? ' (offline emulator)' : ''}`);
    await closed;
  } finally {
    // A call cut off by the stop still records its creates: the engine closes after it. The
    // signal handlers stay until then: a host closes stdin and sends SIGTERM soon after (the
    // SDK's StdioClientTransport waits 2 s), and that SIGTERM must stop the call gracefully,
    // not kill the process with a create on the wire (a paid task the ledger could not collect).
    await Promise.allSettled([...mcp.running]);
    await client.close().finally(() => interrupt.dispose());
  }
  return interrupt.signal.aborted ? ExitCode.INTERRUPTED : ExitCode.OK;
}
