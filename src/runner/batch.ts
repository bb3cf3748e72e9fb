import pLimit from 'p-limit';
import type { ItemResult } from './events.js';
import { runItem, type ItemContext } from './item.js';
import type { PlannedItem } from './plan.js';

export interface BatchOptions {
  /** Stop creating new tasks after the first failure. */
  readonly failFast: boolean;
  /** Items in flight at once; the rate gate may lower and raise `limit.concurrency` as it goes. */
  readonly limit: ReturnType<typeof pLimit>;
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
  return Promise.all(
    items.map((item) =>
      options.limit(async () => {
        if (stopReason !== null && !context.interrupt.aborted) {
          const result = cancelled(item, stopReason);
          context.emit({ type: 'item-finished', item, result });
          return result;
        }
        const result = await runItem(item, context);
        // A refused key fails every item the same way: one refusal is enough to stop asking.
        if (result.errorKind === 'auth') stopReason ??= 'not started: the API refused the key (see the first error)';
        // So does a service nobody can reach (after the create's own retries): 500 photos need not each wait it out.
        if (result.errorKind === 'network' && UNREACHABLE_CODES.has(result.error?.code ?? '')) stopReason ??= 'not started: the service could not be reached (see the first error)';
        if (options.failFast && result.status === 'failed') stopReason ??= 'not started: an earlier item failed (--fail-fast)';
        context.emit({ type: 'item-finished', item, result });
        return result;
      }),
    ),
  );
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
