import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { TOOL_VERSION } from '../core/version.js';
import type { McpContext } from './context.js';
import { registerCheckImage } from './tools/check-image.js';
import { registerEstimate } from './tools/estimate.js';
import { registerHistory } from './tools/history.js';
import { registerListStyles } from './tools/list-styles.js';
import { registerStylize } from './tools/stylize.js';
import { registerTaskStatus } from './tools/task-status.js';

/** The spark-style MCP server: six tools over the engine, for a caller that is not trusted. */
export function createMcpServer(context: McpContext): McpServer {
  const server = new McpServer(
    { name: 'spark-style', version: TOOL_VERSION },
    {
      instructions:
        'Stylizes photos with the Vtrix Spark Style Template API. Call estimate before stylize to see the cost; stylize waits for the results and never pays twice for the same call. Inputs must lie under the folders the server was started with.',
    },
  );
  registerListStyles(server, context);
  registerCheckImage(server, context);
  registerEstimate(server, context);
  registerStylize(server, context);
  registerTaskStatus(server, context);
  registerHistory(server, context);
  return server;
}
