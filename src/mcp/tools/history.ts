import { isAbsolute } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { HistoryEntry } from '../../engine/types.js';
import type { McpContext } from '../context.js';
import { isWithin } from '../roots.js';
import { answer } from '../tool-result.js';

const STATUSES = ['saved', 'failed', 'open', 'unknown', 'expired', 'never-sent'] as const;

export function registerHistory(server: McpServer, context: Pick<McpContext, 'client' | 'roots' | 'allowUrls' | 'secrets'>): void {
  server.registerTool(
    'history',
    {
      title: 'Task history',
      description: 'The tasks the ledger recorded for inputs under the allowed roots, newest first.',
      inputSchema: {
        since: z.iso.datetime({ offset: true }).optional().describe('ISO 8601 time, e.g. 2026-12-01T00:00:00Z'),
        status: z.enum(STATUSES).optional(),
        style: z.string().min(1).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
      },
      outputSchema: {
        tasks: z.array(
          z.object({
            at: z.string(),
            input: z.string(),
            style: z.string(),
            task_id: z.string().nullable(),
            status: z.string(),
            output: z.string().nullable(),
            cost: z.string().nullable(),
            error_code: z.string().nullable(),
          }),
        ),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ since, status, style, limit }) =>
      answer(context.secrets, async () => {
        const entries = await context.client.history({ since: since === undefined ? undefined : Date.parse(since), status, style, limit: limit ?? 100 });
        return { tasks: entries.filter((entry) => visible(entry, context)).map((entry) => ({ ...entry })) };
      }),
  );
}

/**
 * The ledger also holds what people ran by hand elsewhere on this machine: a caller sees only
 * the tasks of inputs under its roots (and URLs when it may use URLs).
 */
function visible(entry: HistoryEntry, { roots, allowUrls }: Pick<McpContext, 'roots' | 'allowUrls' | 'secrets'>): boolean {
  if (/^https?:\/\//i.test(entry.input)) return allowUrls;
  return isAbsolute(entry.input) && roots.folders.some((root) => isWithin(entry.input, root));
}
