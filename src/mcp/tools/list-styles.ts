import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { McpContext } from '../context.js';
import { answer } from '../tool-result.js';

export function registerListStyles(server: McpServer, context: Pick<McpContext, 'client' | 'secrets'>): void {
  server.registerTool(
    'list_styles',
    {
      title: 'List styles',
      description: 'The styles stylize can apply: alias (what to pass as a style), req_key, sub_req_key, English name.',
      inputSchema: {},
      outputSchema: {
        styles: z.array(z.object({ alias: z.string(), req_key: z.string(), sub_req_key: z.string().nullable(), name: z.string() })),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () =>
      answer(context.secrets, async () => ({
        styles: context.client.styles().map(({ alias, req_key, sub_req_key, name }) => ({ alias, req_key, sub_req_key, name })),
      })),
  );
}
