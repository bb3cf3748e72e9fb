import pLimit from 'p-limit';
import type { ItemResult } from './events.js';
import { runItem, type ItemContext } from './item.js';
import type { PlannedItem } from './plan.js';

export interface BatchOptions {
  /** Stop creating new tasks after the first failure. */
  readonly failFast: boolean;
}

/**
 * Runs every item with at most `limit.concurrency` in flight: checks, uploads, waits and
 * downloads of different items overlap, and only the items in flight hold image bytes, so
 * memory follows the concurrency, not the batch size. Results come back in input order.
 */
export async function runBatch(
  items: readonly PlannedItem[],
  context: ItemContext,
  limit: ReturnType<typeof pLimit>,
  options: BatchOptions,
): Promise<ItemResult[]> {
  const stopStarting = new AbortController();
  return Promise.all(
    items.map((item) =>
      limit(async () => {
        if (stopStarting.signal.aborted && !context.interrupt.aborted) {
          const result = cancelled(item);
          context.emit({ type: 'item-finished', item, result });
          return result;
        }
        const result = await runItem(item, context);
        if (options.failFast && result.status === 'failed') stopStarting.abort();
        context.emit({ type: 'item-finished', item, result });
        return result;
      }),
    ),
  );
}

function cancelled(item: PlannedItem): ItemResult {
  return {
    input: item.input,
    style: item.style.alias,
    status: 'cancelled',
    output: null,
    task_id: null,
    cost: null,
    error: { code: 'fail-fast', message: 'not started: an earlier item failed (--fail-fast)' },
    errorKind: null,
    created: false,
    notes: [],
  };
}
