import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { Ledger, LedgerEntry } from '../ledger/ledger.js';

type Collected = { readonly saved: string[]; readonly note: string | null };

/**
 * `status --save` of a task the ledger knows, done as stylize does it: under the item's claim.
 * A stylize run collecting the same task holds the claim, and status leaves it to that run;
 * a result already saved in the folder asked for is reported, not saved a second time
 * (`photo.ghibli-2.jpg`). Without this, status beside a running stylize wrote a copy.
 */
export async function collectUnderClaim(ledger: Ledger, known: LedgerEntry, folder: string, save: () => Promise<string[]>): Promise<Collected> {
  const claim = await ledger.claim(known.key);
  if (!claim.ok) {
    return { saved: [], note: `not saved: another spark-style run (${claim.heldBy}) is collecting it; its result goes where that run saves` };
  }
  try {
    const now = known.taskId ? await ledger.findTask(known.taskId) : undefined;
    const already = now?.status === 'saved' && now.output ? resolve(now.output) : null;
    if (already && dirname(already) === resolve(folder) && (await stat(already).catch(() => null))?.isFile()) {
      return { saved: [already], note: `already saved as ${already}` };
    }
    return { saved: await save(), note: null };
  } finally {
    await ledger.release(known.key);
  }
}
