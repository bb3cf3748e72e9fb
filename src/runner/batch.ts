import type pLimit from 'p-limit';
import { isSparkError, SparkError } from '../core/errors.js';
import type { ItemResult } from './events.js';
import { runItem, type ItemContext } from './item.js';
import type { PlannedItem } from './plan.js';

export interface BatchOptions {
  /** Stop creating new tasks after the first failure. */
  readonly failFast: boolean;
  /** Items in flight at once; the rate gate may lower and raise `limit.concurrency` as it goes. */
  readonly limit: ReturnType<typeof pLimit>;
  /**
   * A fleet sharing a ledger: each worker starts at a random place in the list (and wraps
   * around), so that workers given the same inputs take different items first, not all the same.
   */
  readonly startAnywhere?: boolean;
}

/**
 * The batch runner every command goes through (stylize, and anything else that turns planned
 * items into results): each item is decided, created or collected, waited for and saved, with
 * at most `limit.concurrency` in flight. Checks, uploads, waits and downloads of different
 * items overlap, and only the items in flight hold image bytes, so memory follows the
 * concurrency, not the batch size. Results come back in input order; `context.emit` hears
 * 'item-finished' for each.
 */
export async function runItems(items: readonly PlannedItem[], context: ItemContext, options: BatchOptions): Promise<ItemResult[]> {
  let stopReason: string | null = null;
  const stopFor = (kind: string | null | undefined, code: string | undefined): void => {
    // A refused key fails every item the same way: one refusal is enough to stop asking.
    if (kind === 'auth') stopReason ??= 'not started: the API refused the key (see the first error)';
    // So does a service nobody can reach (after the create's own retries): 500 photos need not each wait it out.
    if (kind === 'network' && UNREACHABLE_CODES.has(code ?? '')) stopReason ??= 'not started: the service could not be reached (see the first error)';
  };
  // Items already under way (checking their photo, waiting in the --budget gate) meet the stop
  // at their create: the reason is set as the failing create throws, before its budget
  // reservation is given back and wakes the items waiting for it.
  const { client } = context;
  const guarded: ItemContext['client'] = {
    getTask: client.getTask.bind(client),
    downloadResult: client.downloadResult.bind(client),
    createTask: async (...args) => {
      if (stopReason !== null) throw new BatchStoppedError(stopReason);
      try {
        return await client.createTask(...args);
      } catch (error) {
        if (isSparkError(error)) stopFor(error.kind, error.code);
        throw error;
      }
    },
  };
  const itemContext: ItemContext = { ...context, client: guarded };
  const runOnce = async (item: PlannedItem): Promise<ItemResult> => {
    if (stopReason !== null && !context.interrupt.aborted) return cancelled(item, stopReason);
    let result = await runItem(item, itemContext);
    // Stopped right before its create (nothing was sent): not started, like the items after it.
    if (result.error?.code === BATCH_STOPPED && !result.created) result = cancelled(item, result.error.message);
    stopFor(result.errorKind, result.error?.code);
    if (options.failFast && result.status === 'failed') stopReason ??= 'not started: an earlier item failed (--fail-fast)';
    return result;
  };
  const results: ItemResult[] = new Array(items.length);
  await Promise.all(
    startingOrder(items.length, options.startAnywhere === true).map(async (index) => {
      const item = items[index]!;
      let result = await options.limit(() => runOnce(item));
      // Held by another live worker: come back later (it finishes it, or its lease lapses and
      // this worker takes over), without keeping a place in the queue while waiting.
      while (result.heldBy !== undefined && context.heldRecheckMs !== undefined && !context.interrupt.aborted && stopReason === null) {
        const waited = await context.clock.sleep(context.heldRecheckMs, context.interrupt).then(
          () => true,
          () => false,
        );
        if (!waited) break;
        result = await options.limit(() => runOnce(item));
      }
      context.emit({ type: 'item-finished', item, result });
      results[index] = result;
    }),
  );
  return results;
}

/** 0..n-1, or the same from a random place, wrapping around. */
function startingOrder(count: number, anywhere: boolean): number[] {
  const start = anywhere && count > 0 ? Math.floor(Math.random() * count) : 0;
  return Array.from({ length: count }, (_, offset) => (start + offset) % count);
}

const BATCH_STOPPED = 'batch-stopped';

/** Thrown instead of sending a create once the batch has stopped: proves nothing was created. */
class BatchStoppedError extends SparkError {
  override name = 'BatchStoppedError';
  constructor(reason: string) {
    super('api', reason, { code: BATCH_STOPPED });
  }
}

/** Connection refused, no such host, no route: the service is not there, for any photo. */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

function cancelled(item: PlannedItem, reason: string): ItemResult {
  return {
    input: item.input,
    style: item.style.alias,
    status: 'cancelled',
    output: null,
    task_id: null,
    cost: null,
    error: { code: 'not-started', message: reason },
    errorKind: null,
    created: false,
    notes: [],
  };
}
