import { inToolTerms } from '../tool-terms.js';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { Run, RunResult } from '../../engine/types.js';
import { spendOf } from '../../session/run-spend.js';
import { microToUsd, usdToMicro } from '../../session/usd.js';
import { type McpContext, tracked } from '../context.js';
import { type CallArgs, prepareCall, refuseOverCap } from '../prepare-call.js';
import { callShape, itemResultShape, sessionShape } from '../schemas.js';
import { sessionView } from '../session-view.js';
import { answer } from '../tool-result.js';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export function registerStylize(server: McpServer, context: McpContext): void {
  server.registerTool(
    'stylize',
    {
      title: 'Stylize photos',
      description:
        'Checks, sends, waits for and saves the results (bounded by the server --timeout), reporting progress. Never pays twice: the same call again collects tasks in flight and skips what is saved. Refused when over the server budget (or max_cost).',
      inputSchema: callShape,
      outputSchema: {
        items: z.array(itemResultShape),
        saved: z.array(z.string()),
        task_ids: z.array(z.string()),
        tasks_created: z.number(),
        cost_usd: z.string(),
        interrupted: z.boolean(),
        session: sessionShape,
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (args, extra) =>
      tracked(
        context,
        answer(context.secrets, () => stylizeCall(args, context, extra)),
      ),
  );
}

/**
 * One stylize call, in the session's turn: plan, refuse what the caps cannot cover, run with
 * what is left of the budget, count what it really spent. MCP cancellation aborts the run as
 * Ctrl-C does: nothing new starts, creates on the wire finish and are recorded.
 */
async function stylizeCall(args: CallArgs & { max_cost?: number }, context: McpContext, extra: Extra): Promise<Record<string, unknown>> {
  const callCap = args.max_cost === undefined ? null : usdToMicro(args.max_cost);
  const turn = await context.allowance.turn(callCap);
  let used = { spentMicro: 0, tasksCreated: 0 };
  try {
    const prepared = await prepareCall(args, context);
    const capName = callCap !== null && (context.allowance.budgetLeftMicro === null || callCap < context.allowance.budgetLeftMicro) ? 'max_cost' : '--budget';
    refuseOverCap(prepared.plan, turn.budgetMicro, turn.maxTasks, capName);
    const run = context.client.stylize(prepared.inputs, {
      ...prepared.options,
      budget: turn.budgetMicro === null ? undefined : microToUsd(turn.budgetMicro),
      maxTasks: turn.maxTasks ?? undefined,
      signal: extra.signal,
    });
    const result = await followRun(run, extra);
    used = spendOf(result);
    turn.end(used);
    return describeResult(result, context);
  } finally {
    turn.end(used);
  }
}

/** Sends an MCP progress notification per finished item, when the caller asked for progress. */
async function followRun(run: Run, extra: Extra): Promise<RunResult> {
  const token = extra._meta?.progressToken;
  let total = 0;
  let done = 0;
  try {
    for await (const event of run) {
      if (token === undefined) continue;
      if (event.type === 'run-started') total = event.total;
      if (event.type !== 'item-finished') continue;
      done += 1;
      const message = `${event.result.input} (${event.result.style}): ${event.result.status}`;
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: done, total, message } }).catch(() => {});
    }
  } catch {
    // The run's own error comes from `result` below, with its code.
  }
  return run.result;
}

function describeResult(result: RunResult, context: McpContext): Record<string, unknown> {
  const items = result.items.map(({ input, style, status, output, task_id, cost, error }) => ({
    input,
    style,
    status,
    output,
    task_id,
    cost,
    error: error && { code: error.code, message: inToolTerms(error.message) },
  }));
  return {
    items,
    saved: items.flatMap((item) => (item.status === 'saved' && item.output ? [item.output] : [])),
    task_ids: [...new Set(items.flatMap((item) => (item.task_id ? [item.task_id] : [])))],
    tasks_created: result.summary.tasks_created,
    cost_usd: result.summary.cost_usd,
    interrupted: result.interrupted,
    session: sessionView(context.allowance),
  };
}
