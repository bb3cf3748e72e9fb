import { abbreviateBody, buildCreateBody } from '../api/request-body.js';
import type { Ledger } from '../ledger/ledger.js';
import { decide, type Decision } from './decide.js';
import { gatherFacts } from './item-facts.js';
import type { PlannedItem } from './plan.js';
import type { PreparedImageCache } from './prepared-cache.js';
import type { RunSettings } from './run-settings.js';

/** One item's decision before anything is sent, with the request it would send. */
export interface PreviewedItem {
  readonly item: PlannedItem;
  readonly decision: Decision;
  /** The create body, shortened for printing (create decisions only). */
  readonly body: unknown;
  /** What --fix would change. */
  readonly changes: readonly string[];
}

/**
 * What a run would do with an item, through the same gatherFacts and decide as the run
 * itself, but claiming nothing and sending nothing: --dry-run prints it, --max-tasks counts it.
 */
export async function previewItem(item: PlannedItem, context: { ledger: Ledger; images: PreparedImageCache; settings: RunSettings; now: number; withBody: boolean }): Promise<PreviewedItem> {
  try {
    const { facts, prepared } = await gatherFacts(item, context, 'look');
    const decision = decide(item, facts, context.settings, context.now);
    if (decision.action !== 'create' || !context.withBody) return { item, decision, body: null, changes: [] };
    const body = buildCreateBody({
      style: item.style,
      image: prepared ? { bytes: prepared.bytes } : { url: item.input },
      returnUrl: context.settings.returnUrl,
      logo: context.settings.logo,
    });
    return { item, decision, body: abbreviateBody(body), changes: prepared?.changes ?? [] };
  } finally {
    if (item.source.kind === 'file') context.images.release(item.source.path);
  }
}
