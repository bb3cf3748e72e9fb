import { COLLECTABLE_FOR_MS } from '../ledger/item-key.js';
import type { LedgerEntry } from '../ledger/ledger.js';
import type { PlannedItem } from './plan.js';
import type { RunSettings } from './run-settings.js';

/**
 * What happens to one item. The real run, --dry-run and --max-tasks all ask `decide`, so
 * they cannot disagree.
 *   skip     nothing to do: the result exists, or another run is making it
 *   collect  a task from an earlier run is still collectable: wait for it and save it, free
 *   refuse   the item cannot or should not be sent (bad input, a task that failed before)
 *   unknown  an earlier create may have made (and charged) a task nobody knows the id of
 *   create   send a create: this one costs money
 */
export type Decision =
  /** `heldBy`: skipped only because another worker holds the item now (a fleet comes back to it). */
  | { readonly action: 'skip'; readonly reason: string; readonly output: string | null; readonly heldBy?: string }
  | { readonly action: 'collect'; readonly reason: string; readonly taskId: string }
  | { readonly action: 'refuse'; readonly reason: string; readonly code: string; readonly taskId: string | null; readonly hint?: string }
  | { readonly action: 'unknown'; readonly reason: string }
  | { readonly action: 'create'; readonly reason: string | null };

export type DecisionAction = Decision['action'];

/** What is known about an item when it is decided; gathered by item-facts.ts. */
export interface ItemFacts {
  /** Why the input cannot be sent (unusable name, fails the image check), or null. */
  readonly problem: { readonly code: string; readonly message: string; readonly hint?: string } | null;
  /** The item key (image hash, style, options); null when the image was not read. */
  readonly key: string | null;
  /** The newest ledger attempt for the key. */
  readonly entry: LedgerEntry | null;
  /** A result already saved under the item's output name. */
  readonly existingOutput: string | null;
  /**
   * A file an earlier task of this very request was saved as, still on disk, wherever it went
   * (a fallback name, the rescue folder, another {date} folder, a copy of the photo's name).
   */
  readonly savedAs: string | null;
  /** Another live worker (or run) working on this item right now, as people read it. */
  readonly heldBy: string | null;
  /**
   * A shared ledger's worker other than this one saved the item (its file may be on another
   * machine's disk): done for the whole fleet. Null on one machine's ledger.
   */
  readonly savedByPeer?: string | null;
}

export type DecisionSettings = Pick<RunSettings, 'overwrite' | 'retryFailed' | 'resendUnknown'>;

export function decide(item: PlannedItem, facts: ItemFacts, settings: DecisionSettings, now: number): Decision {
  if (item.source.kind === 'unusable') return { action: 'refuse', reason: item.source.problem, code: 'unusable-input', taskId: null };
  if (facts.existingOutput !== null && !settings.overwrite) {
    return { action: 'skip', reason: `${facts.existingOutput} exists (--overwrite replaces it)`, output: facts.existingOutput };
  }
  if (facts.problem !== null) return { action: 'refuse', reason: facts.problem.message, code: facts.problem.code, taskId: null, hint: facts.problem.hint };
  if (facts.heldBy !== null) {
    return {
      action: 'skip',
      reason: `another spark-style run (${facts.heldBy}) is working on it; run again after it ends to collect anything left`,
      output: null,
      heldBy: facts.heldBy,
    };
  }
  if (facts.savedByPeer && facts.entry?.status === 'saved' && !settings.overwrite) {
    const where = facts.entry.output ? ` as ${facts.entry.output}` : '';
    return { action: 'skip', reason: `saved by ${facts.savedByPeer}${where}; nothing was sent (--overwrite pays for a new one)`, output: facts.entry.output };
  }
  const decision = decideFromLedger(facts.entry, facts.savedAs, settings, now);
  // The picture this request makes is on disk already, under another name: not paid again.
  if (decision.action === 'create' && facts.savedAs !== null && !settings.overwrite) return savedElsewhere(facts.savedAs);
  return decision;
}

function savedElsewhere(path: string): Decision {
  return { action: 'skip', reason: `already made by an earlier run and saved as ${path}; nothing was sent (--overwrite pays for a new one)`, output: path };
}

function decideFromLedger(entry: LedgerEntry | null, savedAs: string | null, settings: DecisionSettings, now: number): Decision {
  if (entry === null) return { action: 'create', reason: null };
  const collectable = now - entry.intentAt < COLLECTABLE_FOR_MS;
  // Past 24 hours by this computer's clock, which may be wrong: the run asks the server first
  // (item-facts.ts), and only its 404 turns the task into "expired" and allows a new create.
  const askFirst = `task ${entry.taskId} is older than 24 hours by this computer's clock; the server is asked first (free), and a new task is created only if it no longer has it`;
  switch (entry.status) {
    case 'unknown':
      if (settings.resendUnknown)
        return { action: 'create', reason: 'sent again on purpose (--resend-unknown); the earlier create may also have been charged' };
      return {
        action: 'unknown',
        reason:
          'outcome unknown: an earlier run sent this create and stopped before the answer, so a task may exist and be charged; ' +
          'nothing was sent again. Check your tasks in the Vtrix console, then add --resend-unknown to send it again',
      };
    case 'never-sent':
    case 'expired':
      return { action: 'create', reason: null };
    case 'open':
      return { action: 'collect', reason: collectable ? `task ${entry.taskId} from an earlier run` : askFirst, taskId: entry.taskId! };
    case 'saved':
      if (settings.overwrite) return { action: 'create', reason: null };
      // Within 24 hours the result is downloadable for free: collected again, it also lands
      // under this item's own name (a copy of the photo, another --out). Later, the file
      // saved is the answer; only a file that is gone makes the run ask the server.
      if (!collectable && savedAs !== null) return savedElsewhere(savedAs);
      return { action: 'collect', reason: collectable ? `task ${entry.taskId} from an earlier run` : askFirst, taskId: entry.taskId! };
    case 'failed':
      if (collectable && !settings.retryFailed) {
        return {
          action: 'refuse',
          reason: `task ${entry.taskId} failed in an earlier run${entry.errorCode ? ` with ${entry.errorCode}` : ''} (nothing new was sent; --retry-failed creates a new task)`,
          code: entry.errorCode ?? 'task-failed',
          taskId: entry.taskId,
        };
      }
      return { action: 'create', reason: null };
  }
}
