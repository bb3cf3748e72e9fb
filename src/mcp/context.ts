import type { SparkStyle } from '../engine/types.js';
import type { SessionAllowance } from '../session/allowance.js';
import type { Roots } from './roots.js';

/** What every tool of the MCP server works with; built once by `spark-style mcp`. */
export interface McpContext {
  readonly client: SparkStyle;
  /** The only folders inputs may come from (--root, resolved after symlinks). */
  readonly roots: Roots;
  /** --out, resolved: every output goes under it. Null: beside each input (inside a root). */
  readonly outDir: string | null;
  readonly allowUrls: boolean;
  /** --budget and --max-tasks for the whole server session. */
  readonly allowance: SessionAllowance;
  /** --timeout: how long stylize waits for each task. */
  readonly timeout: string;
  /** Tasks in flight at once within one stylize call. */
  readonly concurrency: number;
  /** Text no result may carry (the API key): a hostile service could echo it in an error message. */
  readonly secrets: readonly string[];
  /** Calls still running: the server waits for them (their creates recorded) before closing the engine. */
  readonly running: Set<Promise<unknown>>;
}

/** Keeps a call in `running` until it ends. */
export function tracked<T>(context: Pick<McpContext, 'running'>, work: Promise<T>): Promise<T> {
  context.running.add(work);
  void work.finally(() => context.running.delete(work)).catch(() => {});
  return work;
}

/** A refusal the caller can act on: the tool answers with isError and this one line. */
export class ToolRefusal extends Error {
  override name = 'ToolRefusal';
}
