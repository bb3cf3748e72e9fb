import type { Task } from '../api/wire.js';
import type { ErrorKind } from '../core/errors.js';
import type { PlannedItem } from './plan.js';

type ItemStatus = 'saved' | 'skipped' | 'failed' | 'interrupted' | 'cancelled';

/** One line of the final report, and one JSON object with --json. */
export interface ItemResult {
  readonly input: string;
  readonly style: string;
  readonly status: ItemStatus;
  /** The saved file (the first, if the task returned several). */
  readonly output: string | null;
  readonly task_id: string | null;
  /** USD, as the server reported it. */
  readonly cost: string | null;
  readonly error: { readonly code: string; readonly message: string } | null;
  /** Not in --json: what the user can do about an error. */
  readonly hint?: string;
  /** Not in --json: what kind of error failed the item (the CLI maps it to an exit code). */
  readonly errorKind: ErrorKind | null;
  /** Not in --json: whether this run created (and paid for) the task. */
  readonly created: boolean;
  /** Not in --json: notes for people (what --fix changed, a warning). */
  readonly notes: readonly string[];
  /** Not in --json: skipped only because another live worker holds the item (the batch comes back to it). */
  readonly heldBy?: string;
}

/** What the runner tells the reporter while it works. */
export type RunnerEvent =
  | { readonly type: 'item-started'; readonly item: PlannedItem }
  | { readonly type: 'task-created'; readonly item: PlannedItem; readonly taskId: string; readonly reused: boolean }
  | { readonly type: 'task-progress'; readonly item: PlannedItem; readonly task: Task }
  | { readonly type: 'retrying'; readonly item: PlannedItem; readonly delayMs: number; readonly reason: string }
  | { readonly type: 'item-finished'; readonly item: PlannedItem; readonly result: ItemResult }
  /** Something went wrong that ends no item (the ledger could not let a claim go): one line each. */
  | { readonly type: 'warning'; readonly item: PlannedItem; readonly message: string };
