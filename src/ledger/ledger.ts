import { SparkError } from '../core/errors.js';

/**
 * The task ledger: what every create was meant to do (written and flushed BEFORE the request
 * leaves), which task it made, and how that ended. It is what lets any later run tell a task
 * it may collect for free from an item it must not pay for again.
 *
 * unknown    the intent is recorded, no answer was: the create may or may not have made a task
 * never-sent the client proved nothing was created (refused connection, DNS failure, a 4xx)
 * open       a task exists and has not been saved yet
 * saved / failed / expired: how the task ended
 */
export type LedgerStatus = 'saved' | 'failed' | 'open' | 'unknown' | 'expired' | 'never-sent';

export interface HistoryRow {
  /** ISO time of the intent. */
  at: string;
  input: string;
  style: string;
  task_id: string | null;
  status: LedgerStatus;
  output: string | null;
  cost: string | null;
  error_code: string | null;
  /** The worker that sent the create ("3f9a1c2b7d4e on build-7"), or null for rows older than leases. */
  worker: string | null;
}

export interface HistoryFilter {
  /** Epoch ms, inclusive. */
  sinceMs?: number;
  style?: string;
  status?: LedgerStatus;
  limit?: number;
}

/** What a run means to send, recorded before it is sent. */
export interface Intent {
  readonly key: string;
  readonly input: string;
  readonly inputSha256: string;
  readonly style: string;
  readonly reqKey: string;
  readonly subReqKey: string | null;
  /** Every option that changes the result. */
  readonly options: Record<string, unknown>;
  readonly outputBase: string | null;
}

/** The latest attempt for an item key (or the one that made a task). */
export interface LedgerEntry {
  readonly attempt: number;
  readonly key: string;
  readonly input: string;
  readonly style: string;
  readonly outputBase: string | null;
  /** Epoch ms of the intent. */
  readonly intentAt: number;
  /** The API the create was sent to (apiOrigin), or null for rows older than version 2. */
  readonly origin: string | null;
  readonly taskId: string | null;
  readonly status: LedgerStatus;
  readonly output: string | null;
  readonly cost: string | null;
  readonly errorCode: string | null;
  /** The worker that sent the create (its random id), or null for rows older than leases. */
  readonly worker: string | null;
}

/**
 * Taking a claim either succeeds, or names the live worker that holds it, as people read it
 * ("pid 4242", "worker 3f9a1c on host build-7").
 */
export type ClaimResult = { readonly ok: true } | { readonly ok: false; readonly heldBy: string };

/**
 * Where tasks are recorded: the SQLite file of one machine (sqlite-ledger.ts), or a database
 * a fleet of workers shares. Every method returns a promise, as a shared database answers over
 * the network; every write is durable when its promise resolves, which is what lets an intent
 * be "written ahead" of the create it stands for.
 */
export interface Ledger {
  /** This worker's random id: the rows it writes carry it, and its leases are in its name. */
  readonly workerId: string;
  /** Shared by workers on other machines (a database server), not one machine's file. */
  readonly shared: boolean;
  /** The API this run talks to: tasks recorded against another one are not looked up. */
  readonly origin: string | null;
  /** Where the ledger is, for people (a file path, or a database URL without its password); null in memory. */
  readonly location: string | null;
  /**
   * The newest attempt for an item sent to this ledger's API (or to one not recorded), or
   * undefined. A task on another service cannot be collected here, and an unknown outcome
   * there charged nothing here.
   */
  lookup(key: string): Promise<LedgerEntry | undefined>;
  /**
   * The files earlier tasks of an item were saved as, newest first (a few at most): where the
   * picture may still be, wherever it went. Expired tasks keep the file they were saved as.
   */
  savedOutputs(key: string, limit?: number): Promise<string[]>;
  findTask(taskId: string): Promise<LedgerEntry | undefined>;
  /**
   * Durable before it resolves, and before the create is sent: if the process dies from here
   * until recordAnswer, every later run sees "outcome unknown". Resolves to the attempt's id.
   * Refused (LeaseLostError) when another worker has taken the item over meanwhile.
   */
  recordIntent(intent: Intent): Promise<number>;
  recordAnswer(attempt: number, taskId: string): Promise<void>;
  /** The client proved that no task was made: the item may be sent again freely. */
  recordNeverSent(attempt: number, errorCode: string | null): Promise<void>;
  recordSaved(taskId: string, output: string, cost: string | null): Promise<void>;
  recordFailed(taskId: string, errorCode: string | null, cost?: string | null): Promise<void>;
  /** A saved task that expired keeps the file it was saved as: the picture is still there. */
  recordExpired(taskId: string): Promise<void>;
  /** Makes this worker the one working on an item, unless another live worker is. */
  claim(key: string): Promise<ClaimResult>;
  /**
   * Claims the key once no other item of this worker holds it: two items of one run with the
   * same key (copies of a photo) take turns, and the second collects the first's task, free.
   */
  claimInTurn(key: string): Promise<ClaimResult>;
  /** Who else is working on the item right now, or null (for plans, which claim nothing). */
  claimHolder(key: string): Promise<string | null>;
  release(key: string): Promise<void>;
  /** Newest first; an open task past the 24 hours its results live is shown as expired. */
  history(filter?: HistoryFilter): Promise<HistoryRow[]>;
  /** The costs of the newest saved tasks (sane ones only), newest first: what prices look like now. */
  recentCosts(limit: number): Promise<{ style: string; cost: number }[]>;
  /** Tasks still collectable, and items whose latest create has an unknown outcome. */
  counts(): Promise<{ open: number; unknown: number }>;
  /** Lets go of every claim this worker still holds, then closes the connection. */
  close(): Promise<void>;
  /** The fleet's --budget, kept in the database every worker shares; null for one machine's ledger. */
  sharedSpend(): SharedSpend | null;
}

/** What the fleet's budget answers a worker about to create a task. */
export type SpendAnswer =
  | { readonly kind: 'reserved'; readonly id: number }
  /** Spent (settled) plus this task could pass the limit: never started. */
  | { readonly kind: 'over'; readonly committedMicro: number }
  /** It fits only if tasks in flight cost less than reserved (or the price is being learned): ask again soon. */
  | { readonly kind: 'wait' };

/**
 * --budget for a fleet: every worker's tasks, reserved at their expected cost in the same
 * transaction that checks the total, then settled at the real cost or released. `scope` names
 * the fleet's job: workers started with the same inputs and the same budget share one.
 */
export interface SharedSpend {
  /** `estimateMicro` null: no price known to this worker (the fleet may know one). */
  reserve(scope: string, style: string, estimateMicro: number | null, limitMicro: number): Promise<SpendAnswer>;
  /** The task ended: its real cost, or null to keep what was reserved (a failed task, an odd cost). */
  settle(id: number, costMicro: number | null): Promise<void>;
  /** No task was made after all. */
  release(id: number): Promise<void>;
}

/**
 * This worker's lease on an item lapsed (a stalled process, a lost network) and another worker
 * took the item over: this one must not send the create, the other one is doing the item.
 */
export class LeaseLostError extends SparkError {
  override name = 'LeaseLostError';
  constructor(heldBy: string) {
    super('api', `another worker (${heldBy}) took this item over while this one was stalled; nothing was sent`, {
      code: 'lease-lost',
      hint: 'raise SPARK_STYLE_LEASE_MS if workers stall for longer than the lease (a busy machine, a slow network)',
    });
  }
}
