import pLimit from 'p-limit';
import { abbreviateBody, buildCreateBody } from '../api/request-body.js';
import type { Ledger } from '../ledger/ledger.js';
import { decide, type Decision, type ItemFacts } from './decide.js';
import { gatherFacts } from './item-facts.js';
import type { PlannedItem } from './plan.js';
import { PreparedImageCache } from './prepared-cache.js';
import type { RunSettings } from './run-settings.js';

/** One item's decision before anything is sent, with the request it would send. */
export interface PreviewedItem {
  readonly item: PlannedItem;
  readonly decision: Decision;
  /** The create body, shortened for printing (create decisions only, with `withBody`). */
  readonly body: unknown;
  /** What --fix would change. */
  readonly changes: readonly string[];
}

export interface PreviewContext {
  readonly ledger: Ledger;
  readonly settings: RunSettings;
  readonly now: number;
  /** Build each create body (--dry-run prints them; --max-tasks only counts). */
  readonly withBody: boolean;
}

/**
 * What a run would do with each item, through the same gatherFacts and decide as the run
 * itself, claiming nothing and sending nothing: --dry-run prints it, --max-tasks counts it.
 * Like the run, a later item with the same key as an earlier one to be created (a copy of
 * a photo) is decided as if that task already existed: the run collects it, free.
 */
export async function previewItems(items: readonly PlannedItem[], context: PreviewContext): Promise<PreviewedItem[]> {
  const images = new PreparedImageCache(items, context.settings.fix, context.settings.convert);
  const limit = pLimit(2);
  const previews = await Promise.all(items.map((item) => limit(() => previewOne(item, images, context))));
  const createdBy = new Map<string, PlannedItem>();
  return previews.map(({ preview, facts }) => {
    if (preview.decision.action !== 'create' || facts.key === null) return preview;
    const earlier = createdBy.get(facts.key);
    if (!earlier) {
      createdBy.set(facts.key, preview.item);
      return preview;
    }
    const planned: ItemFacts = {
      ...facts,
      entry: {
        attempt: 0,
        key: facts.key,
        input: earlier.input,
        style: earlier.style.alias,
        outputBase: earlier.outputBase,
        intentAt: context.now,
        origin: null,
        taskId: `(the task for ${earlier.input})`,
        status: 'open',
        output: null,
        cost: null,
        errorCode: null,
        worker: null,
      },
    };
    return { ...preview, decision: decide(preview.item, planned, context.settings, context.now), body: null };
  });
}

async function previewOne(item: PlannedItem, images: PreparedImageCache, context: PreviewContext): Promise<{ preview: PreviewedItem; facts: ItemFacts }> {
  try {
    const { facts, prepared } = await gatherFacts(item, { ledger: context.ledger, images, settings: context.settings }, 'look');
    const decision = decide(item, facts, context.settings, context.now);
    if (decision.action !== 'create' || !context.withBody) return { preview: { item, decision, body: null, changes: [] }, facts };
    const body = buildCreateBody({
      style: item.style,
      image: prepared ? { bytes: prepared.bytes } : { url: item.input },
      returnUrl: context.settings.returnUrl,
      logo: context.settings.logo,
    });
    return { preview: { item, decision, body: abbreviateBody(body), changes: prepared?.changes ?? [] }, facts };
  } finally {
    if (item.source.kind === 'file') images.release(item.source.path);
  }
}
