import { realpathSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { EmulatorOptions, RunningEmulator } from '../../src/emulator/server.js';
import { createSparkStyle } from '../../src/index.js';
import type { McpContext } from '../../src/mcp/context.js';
import { Roots } from '../../src/mcp/roots.js';
import { createMcpServer } from '../../src/mcp/server.js';
import { SessionAllowance } from '../../src/session/allowance.js';
import { afterThisTest } from './cleanup.js';
import { emulator } from './emulator.js';
import { fakeClock } from './fake-clock.js';
import { tempDir } from './tmp.js';

export interface McpSetup {
  readonly client: Client;
  readonly server: RunningEmulator;
  readonly context: McpContext;
  /** Everything the emulator counted: a refused call leaves every count at 0. */
  readonly connections: () => number;
  /** The key the engine sends (a test's hostile service may echo it). */
  readonly key: string;
  call(
    name: string,
    args: Record<string, unknown>,
    options?: { signal?: AbortSignal; onprogress?: (progress: { progress: number; total?: number; message?: string }) => void },
  ): Promise<CallToolResult>;
}

/**
 * The MCP server in-process, driven by the SDK's own Client over an in-memory transport pair:
 * the engine talks real HTTP to the emulator on loopback, both on one fake clock (nothing sleeps).
 */
export async function mcpInProcess(options: {
  root: string;
  out?: string;
  budgetMicro?: number | null;
  maxTasks?: number | null;
  allowUrls?: boolean;
  emulator?: EmulatorOptions;
}): Promise<McpSetup> {
  const clock = fakeClock(Date.now());
  let connections = 0;
  const server = await emulator({ latencyMs: 20_000, now: clock.now, onConnection: () => void connections++, ...options.emulator });
  const engine = createSparkStyle({
    stateDir: tempDir('spark-mcp-state-'),
    clock,
    connect: async () => ({ baseUrl: server.url, apiKey: 'sk-mcp-test-key' }),
  });
  const context: McpContext = {
    client: engine,
    roots: await Roots.of([options.root], '/'),
    outDir: options.out ? realpathSync(options.out) : null,
    allowUrls: options.allowUrls === true,
    allowance: new SessionAllowance({ budgetMicro: options.budgetMicro ?? null, maxTasks: options.maxTasks ?? null }),
    timeout: '600s',
    concurrency: 4,
    running: new Set(),
    secrets: ['sk-mcp-test-key'],
  };
  const mcp = createMcpServer(context);
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: 'spark-style-tests', version: '1.0.0' });
  await mcp.connect(serverSide);
  await client.connect(clientSide);
  afterThisTest(async () => {
    await client.close();
    await Promise.allSettled([...context.running]);
    await engine.close();
  });
  return {
    client,
    server,
    context,
    connections: () => connections,
    key: 'sk-mcp-test-key',
    call: async (name, args, callOptions = {}) =>
      (await client.callTool({ name, arguments: args }, undefined, { signal: callOptions.signal, onprogress: callOptions.onprogress })) as CallToolResult,
  };
}

/** The structured result of a call that succeeded. */
export function structuredOf(result: CallToolResult): Record<string, unknown> {
  if (result.isError) throw new Error(`tool error: ${JSON.stringify(result.content)}`);
  return result.structuredContent as Record<string, unknown>;
}

/** The one line of a tool error. */
export function errorText(result: CallToolResult): string {
  if (!result.isError) throw new Error(`expected a tool error, got ${JSON.stringify(result.structuredContent)}`);
  return (result.content[0] as { text: string }).text;
}

export function photoFolder(): string {
  return realpathSync(tempDir('spark-mcp-root-'));
}
