import { dirname } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import type { McpContext } from '../context.js';
import { answer } from '../tool-result.js';

const ruleBroken = z.object({ rule: z.string(), message: z.string() });

export function registerCheckImage(server: McpServer, context: Pick<McpContext, 'client' | 'roots' | 'outDir' | 'secrets'>): void {
  server.registerTool(
    'check_image',
    {
      title: 'Check an image',
      description:
        'The local pre-flight of one image (nothing is sent, nothing is paid): every API rule it breaks. With fix, an API-ready copy is written under --out (else beside the image).',
      inputSchema: {
        path: z.string().min(1).describe('an image file under the allowed roots'),
        fix: z.boolean().optional().describe('write a converted, rotated, resized copy the API accepts'),
      },
      outputSchema: {
        file: z.string(),
        ok: z.boolean(),
        format: z.string().nullable(),
        width: z.number().nullable(),
        height: z.number().nullable(),
        bytes: z.number().nullable(),
        errors: z.array(ruleBroken),
        fixable: z.boolean(),
        fixed: z
          .object({ output: z.string(), changes: z.array(z.string()), warnings: z.array(z.string()) })
          .nullable()
          .optional(),
        fixErrors: z.array(ruleBroken).optional(),
        convertible: z.boolean().optional(),
        description: z.string().optional(),
      },
      annotations: { readOnlyHint: false, openWorldHint: false },
    },
    ({ path, fix }) =>
      answer(context.secrets, async () => {
        const { real, isFolder } = await context.roots.input(path);
        if (isFolder) throw new Error(`${path}: a folder; check_image takes one image file`);
        const outDir = fix ? await context.roots.outputFolder(context.outDir ?? dirname(real), context.outDir ? [context.outDir] : undefined) : null;
        const verdict = await context.client.check(real, outDir === null ? {} : { fix: { outDir } });
        return { ...verdict, errors: [...verdict.errors], fixErrors: verdict.fixErrors ? [...verdict.fixErrors] : undefined };
      }),
  );
}
