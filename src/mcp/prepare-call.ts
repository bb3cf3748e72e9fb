import { dirname, resolve } from 'node:path';
import type { Plan, StylizeOptions } from '../engine/types.js';
import { microToUsd, usdToMicro } from '../session/usd.js';
import { confineInputs, isUrlInput } from './confine-inputs.js';
import { type McpContext, ToolRefusal } from './context.js';

/** The arguments estimate and stylize share. */
export interface CallArgs {
  readonly inputs: readonly string[];
  readonly styles: string | readonly string[];
  readonly out_dir?: string;
  readonly name?: string;
  readonly watermark?: boolean;
  readonly fix?: boolean;
  readonly resend_unknown?: boolean;
}

/** A call with its inputs confined, its options for the engine, and its plan (nothing sent). */
export interface PreparedCall {
  readonly inputs: readonly string[];
  readonly options: StylizeOptions;
  readonly plan: Plan;
}

/**
 * Everything checked before a byte is sent: inputs inside the roots, the output folder inside
 * --out (or the roots), and then, from the engine's own plan, every output path inside it too
 * (a --name template with ".." cannot climb out).
 */
export async function prepareCall(args: CallArgs, context: McpContext): Promise<PreparedCall> {
  const inputs = await confineInputs(args.inputs, context.roots, context.allowUrls);
  const allowed = context.outDir ? [context.outDir] : context.roots.folders;
  // A URL has no folder to save beside: its results go to the first root unless told otherwise.
  const hasUrl = inputs.some(isUrlInput);
  const fallback = context.outDir ?? (hasUrl ? context.roots.folders[0] : undefined);
  const outDir = args.out_dir === undefined ? fallback : await context.roots.outputFolder(args.out_dir, allowed);
  const options: StylizeOptions = {
    styles: args.styles,
    outDir,
    name: args.name,
    watermark: args.watermark === true,
    fix: args.fix === true,
    resendUnknown: args.resend_unknown === true,
    timeout: context.timeout,
    concurrency: context.concurrency,
  };
  const plan = await context.client.plan(inputs, options);
  for (const item of plan.items) {
    // Checked where the engine will really write: a relative path is taken from the working folder.
    if (item.output !== null) await context.roots.outputFolder(dirname(resolve(item.output)), allowed);
  }
  return { inputs, options, plan };
}

/**
 * Refuses a call the session cannot afford, naming what it would cost: more tasks than
 * --max-tasks leaves, or an expected cost over what is left of --budget (or of the call's own
 * max_cost). With no price known yet the engine's budget guard lets one task go first.
 */
export function refuseOverCap(plan: Plan, budgetMicro: number | null, tasksLeft: number | null, capName: string): void {
  const creates = plan.summary.tasks_to_create;
  if (creates === 0) return;
  if (tasksLeft !== null && creates > tasksLeft) {
    throw new ToolRefusal(
      `this call would create ${creates} task${creates === 1 ? '' : 's'}, more than the ${tasksLeft} left under --max-tasks; nothing was sent`,
    );
  }
  if (budgetMicro === null) return;
  const expected = usdToMicro(plan.summary.expected_cost_usd);
  if (expected !== null ? expected > budgetMicro : budgetMicro === 0) {
    const cost = expected === null ? 'an unknown price' : `about $${microToUsd(expected)}`;
    throw new ToolRefusal(
      `this call would create ${creates} task${creates === 1 ? '' : 's'} costing ${cost}, over the $${microToUsd(budgetMicro)} left of ${capName}; nothing was sent`,
    );
  }
}
