import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { McpContext } from '../context.js';
import { answer } from '../tool-result.js';

export function registerTaskStatus(server: McpServer, context: Pick<McpContext, 'client' | 'roots' | 'outDir' | 'secrets'>): void {
  server.registerTool(
    'task_status',
    {
      title: 'Task status',
      description:
        'Reads tasks by id (status, progress, cost, error); with save, downloads completed results into that folder (under --out, or the roots). Costs nothing.',
      inputSchema: {
        task_ids: z.array(z.string().min(1).max(200)).min(1).max(100),
        save: z.string().min(1).optional().describe('a folder for completed results'),
      },
      outputSchema: {
        tasks: z.array(
          z.object({
            task_id: z.string(),
            status: z.string(),
            progress: z.number().nullable().optional(),
            cost: z.string().nullable().optional(),
            error: z.object({ code: z.string().nullable(), message: z.string() }).nullable(),
            saved: z.array(z.string()).optional(),
          }),
        ),
      },
      annotations: { readOnlyHint: false, openWorldHint: true },
    },
    ({ task_ids, save }, extra) =>
      answer(context.secrets, async () => {
        const allowed = context.outDir ? [context.outDir] : undefined;
        const folder = save === undefined ? undefined : await context.roots.outputFolder(save, allowed);
        const reports = await context.client.status(task_ids, { save: folder, signal: extra.signal });
        return {
          tasks: reports.map((report) =>
            !('saved' in report)
              ? { task_id: report.task_id, status: report.status, error: report.error }
              : {
                  task_id: report.task_id,
                  status: report.status,
                  progress: report.progress,
                  cost: report.cost,
                  error: report.error,
                  saved: [...report.saved],
                },
          ),
        };
      }),
  );
}
