import { z } from 'zod';

/** The arguments estimate and stylize share, as the JSON Schema the client sees. */
export const callShape = {
  inputs: z.array(z.string().min(1)).min(1).max(10_000).describe('image files or folders under the allowed roots (http(s) URLs only with --allow-urls)'),
  styles: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
    .describe('style aliases from list_styles, e.g. "ghibli" or ["ghibli", "ink-wash"], or "all"'),
  out_dir: z.string().min(1).optional().describe('where results go (must be under --out, or the roots); default: beside each input, or --out'),
  name: z.string().min(1).optional().describe('output names: {stem} {style} {ext} {dir} {date} {task}'),
  watermark: z.boolean().optional().describe('add the "AI generated" watermark'),
  fix: z.boolean().optional().describe('convert, rotate, resize inputs the API would refuse (originals unchanged)'),
  resend_unknown: z
    .boolean()
    .optional()
    .describe('send again a photo whose earlier create has an unknown outcome (it may have been charged: check the Vtrix console first)'),
  max_cost: z.number().nonnegative().optional().describe('US dollars this call may spend at most (never more than what is left of the server budget)'),
};

export const itemResultShape = z.object({
  input: z.string(),
  style: z.string(),
  status: z.enum(['saved', 'skipped', 'failed', 'interrupted', 'cancelled']),
  output: z.string().nullable(),
  task_id: z.string().nullable(),
  cost: z.string().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
});

/** What is left of the server's --budget and --max-tasks after the call. */
export const sessionShape = z.object({
  spent_usd: z.string(),
  budget_left_usd: z.string().nullable(),
  tasks_created: z.number(),
  tasks_left: z.number().nullable(),
});
