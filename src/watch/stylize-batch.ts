import { access } from 'node:fs/promises';
import type { ItemOutcome, RunEvent, SparkStyle, StylizeOptions } from '../engine/types.js';
import { spendOf } from '../session/run-spend.js';
import type { Turn } from '../session/allowance.js';
import { microToUsd } from '../session/usd.js';
import type { RunBatch } from './folder-watch.js';

/** What a watch tells about one item once it has ended (the command renders it). */
export type ItemReport = { readonly kind: 'item'; readonly result: ItemOutcome } | { readonly kind: 'vanished'; readonly path: string };

/**
 * A RunBatch over the engine: one stylize run for the photos the watch found whole, with what
 * is left of the watch's budget and task cap. The engine's ledger decides create, collect or
 * skip, so a restarted watch pays nothing twice. A photo deleted before its turn is not an error.
 */
export function engineBatch(client: Pick<SparkStyle, 'stylize'>, options: StylizeOptions, report: (item: ItemReport) => void): RunBatch {
  return async (paths, turn, signal) => {
    const run = client.stylize(paths, { ...options, ...limitsOf(turn), signal });
    try {
      for await (const event of run) await reportEvent(event, report);
    } catch {
      // A run that could not start rejects `result` too, with its error: the watch says it once below.
    }
    const result = await run.result;
    return spendOf(result);
  };
}

function limitsOf(turn: Turn): Pick<StylizeOptions, 'budget' | 'maxTasks'> {
  return { budget: turn.budgetMicro === null ? undefined : microToUsd(turn.budgetMicro), maxTasks: turn.maxTasks ?? undefined };
}

async function reportEvent(event: RunEvent, report: (item: ItemReport) => void): Promise<void> {
  if (event.type !== 'item-finished') return;
  const { result } = event;
  if (result.status === 'failed' && result.errorKind === 'input' && !(await exists(result.input))) return report({ kind: 'vanished', path: result.input });
  report({ kind: 'item', result });
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
