import { abbreviateBody, buildCreateBody } from '../../api/request-body.js';
import { isSparkError } from '../../core/errors.js';
import { sha256, type PreparedImage } from '../../image/prepare.js';
import { resultOptions, type RunSettings } from '../../runner/item.js';
import { COLLECTABLE_FOR_MS, itemKey, type Journal } from '../../runner/journal.js';
import { inspectDestination } from '../../naming/done.js';
import type { PlannedItem } from '../../runner/plan.js';
import type { PreparedImageCache } from '../../runner/prepared-cache.js';
import type { IO } from '../../terminal/io.js';

export type DryRunAction = 'create' | 'collect' | 'skip' | 'refuse';

export interface DryRunReport {
  readonly input: string;
  readonly style: string;
  readonly action: DryRunAction;
  readonly output: string | null;
  readonly reason: string | null;
  readonly body: unknown;
}

/** What a run would do with one item, without sending anything. */
export async function dryRunItem(item: PlannedItem, settings: RunSettings, journal: Journal, images: PreparedImageCache): Promise<DryRunReport> {
  const report = (action: DryRunAction, reason: string | null, body: unknown = null, output = item.outputBase ? `${item.outputBase}.*` : null): DryRunReport => ({
    input: item.input,
    style: item.style.alias,
    action,
    output,
    reason,
    body,
  });
  const { source } = item;
  if (source.kind === 'unusable') return report('refuse', source.problem);
  try {
    const destination = item.output ? await inspectDestination(item.output) : ({ state: 'free' } as const);
    if (destination.state === 'blocked') return report('refuse', `cannot save to ${destination.path}: ${destination.reason}`);
    if (destination.state === 'done' && !settings.overwrite) return report('skip', 'the output exists (--overwrite replaces it)', null, destination.path);
    const prepared = source.kind === 'file' ? await images.acquire(source.path) : null;
    return planFor(item, prepared, settings, journal, report);
  } catch (error) {
    return report('refuse', isSparkError(error) ? error.message : String(error));
  } finally {
    if (source.kind === 'file') images.release(source.path);
  }
}

function planFor(
  item: PlannedItem,
  prepared: PreparedImage | null,
  settings: RunSettings,
  journal: Journal,
  report: (action: DryRunAction, reason: string | null, body?: unknown) => DryRunReport,
): DryRunReport {
  const key = itemKey({
    inputSha256: prepared ? prepared.sha256 : sha256(Buffer.from(item.input)),
    reqKey: item.style.reqKey,
    subReqKey: item.style.subReqKey,
    options: resultOptions(settings),
  });
  const prior = journal.lookup(key);
  if (prior && Date.now() - prior.createdAt < COLLECTABLE_FOR_MS) {
    if (prior.outcome === 'open' || (prior.outcome === 'saved' && !settings.overwrite)) {
      return report('collect', `task ${prior.created.task_id} from an earlier run`);
    }
    if (prior.outcome === 'failed' && !settings.retryFailed) return report('refuse', `task ${prior.created.task_id} failed in an earlier run (--retry-failed)`);
  }
  const body = buildCreateBody({
    style: item.style,
    image: prepared ? { bytes: prepared.bytes } : { url: item.input },
    returnUrl: settings.returnUrl,
    logo: settings.logo,
  });
  const changes = prepared?.changes.length ? `--fix: ${prepared.changes.join(', ')}` : null;
  return report('create', changes, abbreviateBody(body));
}

export function printDryRun(reports: readonly DryRunReport[], endpoint: string, io: IO, json: boolean): void {
  for (const report of reports) {
    if (json) {
      io.print(JSON.stringify(report));
      continue;
    }
    const reason = report.reason ? ` (${report.reason})` : '';
    io.print(`# ${report.input} as ${report.style}: ${report.action}${reason}${report.output ? ` -> ${report.output}` : ''}`);
    if (report.body) {
      io.print(`POST ${endpoint}`);
      io.print('Authorization: Bearer <your API key>');
      io.print(JSON.stringify(report.body, null, 2));
    }
  }
  const count = (action: DryRunAction) => reports.filter((report) => report.action === action).length;
  const summary = {
    tasks_to_create: count('create'),
    to_collect: count('collect'),
    to_skip: count('skip'),
    refused: count('refuse'),
  };
  if (json) io.print(JSON.stringify({ summary: { dry_run: true, ...summary } }));
  io.info(
    `dry run: ${summary.tasks_to_create} task${summary.tasks_to_create === 1 ? '' : 's'} would be created, ` +
      `${summary.to_collect} collected from earlier runs, ${summary.to_skip} skipped, ${summary.refused} refused; nothing was sent`,
  );
}
