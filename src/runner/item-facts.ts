import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { TaskNotFoundError } from '../api/errors.js';
import type { SparkClient } from '../api/client.js';
import type { Clock } from '../core/clock.js';
import { isSparkError } from '../core/errors.js';
import { sha256, type PreparedImage } from '../image/prepare.js';
import { COLLECTABLE_FOR_MS, itemKey } from '../ledger/item-key.js';
import type { Ledger, LedgerEntry } from '../ledger/ledger.js';
import type { ItemFacts } from './decide.js';
import { inspectDestination } from '../naming/done.js';
import type { PlannedItem } from './plan.js';
import type { PreparedImageCache } from './prepared-cache.js';
import { resultOptions, type RunSettings } from './run-settings.js';

export interface Gathered {
  readonly facts: ItemFacts;
  /** The checked (and with --fix, repaired) image, when it was read. */
  readonly prepared: PreparedImage | null;
  /** The hash of the original input: the file as read from disk (before --fix), or the URL. */
  readonly inputSha256: string | null;
  /** Whether this process now holds the item's claim (release it when done). */
  readonly claimed: boolean;
}

export interface FactsContext {
  readonly ledger: Ledger;
  readonly images: PreparedImageCache;
  readonly settings: RunSettings;
  /**
   * The real run only: a task the ledger knows but this computer's clock says is past its 24
   * hours is asked about (a free GET) before anything is decided; only the server's 404 marks
   * it expired. The clock may be wrong; the server is not.
   */
  readonly client?: Pick<SparkClient, 'getTask'>;
  readonly clock?: Clock;
  readonly interrupt?: AbortSignal;
}

/**
 * Everything decide() needs about an item. `claim`: the real run takes the item's claim first
 * and only then looks at the output and the ledger, so a concurrent run that has just saved
 * it is seen; a plan (--dry-run, --max-tasks) only looks.
 * The caller releases the item's image in the cache, whatever happens.
 */
export async function gatherFacts(item: PlannedItem, context: FactsContext, mode: 'claim' | 'look'): Promise<Gathered> {
  const { ledger, images, settings } = context;
  const none: ItemFacts = { problem: null, key: null, entry: null, existingOutput: null, savedAs: null, heldBy: null };
  const { source } = item;
  if (source.kind === 'unusable') return { facts: none, prepared: null, inputSha256: null, claimed: false };
  // A folder (or anything else) where the result should go is found before paying, with --overwrite too.
  const lookForOutput = async (): Promise<Pick<ItemFacts, 'existingOutput' | 'problem'>> => {
    if (!item.output) return { existingOutput: null, problem: null };
    const destination = await inspectDestination(item.output, async (id) => ((await ledger.findTask(id))?.outputBase ?? item.outputBase) !== item.outputBase);
    if (destination.state === 'blocked') {
      const message = `cannot save to ${destination.path}: ${destination.reason}; nothing was sent`;
      return { existingOutput: null, problem: { code: 'output-blocked', message, hint: 'move it away, or choose another --out or --name' } };
    }
    return { existingOutput: destination.state === 'done' && !settings.overwrite ? destination.path : null, problem: null };
  };

  const found = await lookForOutput();
  if (found.existingOutput !== null || found.problem !== null) return { facts: { ...none, ...found }, prepared: null, inputSha256: null, claimed: false };

  let prepared: PreparedImage | null = null;
  try {
    prepared = source.kind === 'file' ? await images.acquire(source.path) : null;
  } catch (error) {
    if (!isSparkError(error)) throw error;
    return { facts: { ...none, problem: { code: error.code, message: error.message, hint: error.hint } }, prepared: null, inputSha256: null, claimed: false };
  }
  // The photo as it is on disk, not the bytes sent: --fix (which strips EXIF or re-encodes) never
  // makes an item new, so a batch rerun with --fix collects the tasks of the run without it.
  const inputSha256 = prepared ? prepared.sha256 : sha256(Buffer.from(item.input));
  const key = itemKey({ inputSha256, reqKey: item.style.reqKey, subReqKey: item.style.subReqKey, options: resultOptions(settings) });

  let heldBy: string | null;
  let claimed = false;
  if (mode === 'claim') {
    // Another item of this run with the same key (a copy of the photo) goes first; this one then collects its task.
    const claim = await ledger.claimInTurn(key);
    claimed = claim.ok;
    heldBy = claim.ok ? null : claim.heldBy;
  } else {
    heldBy = await ledger.claimHolder(key);
  }
  // Under the claim, look again: another run may have saved this very item a moment ago.
  const again = claimed ? await lookForOutput() : { existingOutput: null, problem: null };
  let entry = (await ledger.lookup(key)) ?? null;
  if (claimed && entry !== null && (await expiredOnServer(entry, context))) entry = (await ledger.lookup(key)) ?? null;
  const savedAs = await firstExisting(await ledger.savedOutputs(key));
  const savedByPeer = ledger.shared && entry?.status === 'saved' && entry.worker !== null && entry.worker !== ledger.workerId ? `worker ${entry.worker}` : null;
  const facts: ItemFacts = { key, entry, savedAs, heldBy, savedByPeer, ...again };
  return { facts, prepared, inputSha256, claimed };
}

/**
 * For a task past 24 hours by the local clock (open, or saved to a file that is gone): asks
 * the server. True when it answered 404 (confirmed) and the task is now recorded as expired; any other
 * answer or error leaves the entry as it is (the run then collects it and reports what fails).
 */
async function expiredOnServer(entry: LedgerEntry, context: FactsContext): Promise<boolean> {
  const { client, clock, ledger } = context;
  if (!client || !clock || entry.taskId === null) return false;
  if (entry.status !== 'open' && entry.status !== 'saved') return false;
  if (clock.now() - entry.intentAt < COLLECTABLE_FOR_MS) return false;
  try {
    await client.getTask(entry.taskId, { signal: context.interrupt });
    return false;
  } catch (error) {
    // One 404 may be a blip: only a confirmed one (asked again over seconds) marks it expired.
    if (!(error instanceof TaskNotFoundError) || !error.confirmed) return false;
    await ledger.recordExpired(entry.taskId);
    return true;
  }
}

/** The first of these files that is still there (a regular file): the picture the ledger says was saved. */
async function firstExisting(paths: readonly string[]): Promise<string | null> {
  for (const path of paths) {
    const info = await stat(resolve(path)).catch(() => null);
    if (info?.isFile()) return path;
  }
  return null;
}
