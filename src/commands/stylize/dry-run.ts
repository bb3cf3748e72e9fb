import type { Ledger } from '../../ledger/ledger.js';
import type { DecisionAction } from '../../runner/decide.js';
import type { PlannedItem } from '../../runner/plan.js';
import { previewItems } from '../../runner/plan-decisions.js';
import type { RunSettings } from '../../runner/run-settings.js';
import type { IO } from '../../terminal/io.js';

export interface DryRunReport {
  readonly input: string;
  readonly style: string;
  readonly action: DecisionAction;
  readonly output: string | null;
  readonly reason: string | null;
  readonly body: unknown;
}

/** What a run would do with each item, without sending anything: the run's own decisions. */
export async function dryRunReports(items: readonly PlannedItem[], settings: RunSettings, ledger: Ledger, now: number): Promise<DryRunReport[]> {
  const previews = await previewItems(items, { ledger, settings, now, withBody: true });
  return previews.map(({ item, decision, body, changes }) => {
    const fixNote = changes.length ? `--fix: ${changes.join(', ')}` : null;
    const reason = decision.action === 'create' ? [decision.reason, fixNote].filter(Boolean).join('; ') || null : decision.reason;
    const output = decision.action === 'skip' && decision.output ? decision.output : item.outputBase ? `${item.outputBase}.*` : null;
    return { input: item.input, style: item.style.alias, action: decision.action, output, reason, body };
  });
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
  const count = (action: DecisionAction) => reports.filter((report) => report.action === action).length;
  const summary = {
    tasks_to_create: count('create'),
    to_collect: count('collect'),
    to_skip: count('skip'),
    refused: count('refuse'),
    unknown: count('unknown'),
  };
  if (json) io.print(JSON.stringify({ summary: { dry_run: true, ...summary } }));
  const unknown = summary.unknown ? `, ${summary.unknown} with an unknown outcome (not sent again without --resend-unknown)` : '';
  io.info(
    `dry run: ${summary.tasks_to_create} task${summary.tasks_to_create === 1 ? '' : 's'} would be created, ` +
      `${summary.to_collect} collected from earlier runs, ${summary.to_skip} skipped, ${summary.refused} refused${unknown}; nothing was sent`,
  );
}
