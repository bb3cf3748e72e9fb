import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { usdToMicro } from '../../session/usd.js';
import type { McpContext } from '../context.js';
import { prepareCall } from '../prepare-call.js';
import { callShape, sessionShape } from '../schemas.js';
import { sessionView } from '../session-view.js';
import { answer } from '../tool-result.js';

export function registerEstimate(server: McpServer, context: McpContext): void {
  server.registerTool(
    'estimate',
    {
      title: 'Estimate a stylize call',
      description:
        'What stylize would do with these inputs and styles, and what it would cost: per item create (paid), collect (an earlier task, free), skip (done), refuse or unknown. Nothing is sent.',
      inputSchema: callShape,
      outputSchema: {
        items: z.array(z.object({ input: z.string(), style: z.string(), action: z.string(), output: z.string().nullable(), reason: z.string().nullable() })),
        tasks_to_create: z.number(),
        expected_cost_usd: z.string().nullable(),
        within_budget: z.boolean().nullable(),
        session: sessionShape,
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (args) =>
      answer(context.secrets, async () => {
        const { plan } = await prepareCall(args, context);
        const expected = usdToMicro(plan.summary.expected_cost_usd);
        const left = [context.allowance.budgetLeftMicro, args.max_cost === undefined ? null : usdToMicro(args.max_cost)].filter((cap) => cap !== null);
        const cap = left.length ? Math.min(...left) : null;
        return {
          items: plan.items.map(({ input, style, action, output, reason }) => ({ input, style, action, output, reason })),
          tasks_to_create: plan.summary.tasks_to_create,
          expected_cost_usd: plan.summary.expected_cost_usd,
          within_budget: cap === null ? null : expected === null ? null : expected <= cap,
          session: sessionView(context.allowance),
        };
      }),
  );
}
