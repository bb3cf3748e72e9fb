import type { Ledger } from '../../ledger/ledger.js';
import type { DecisionAction } from '../../runner/decide.js';
import type { PlannedItem } from '../../runner/plan.js';
import { previewItems } from '../../runner/plan-decisions.js';
import type { RunSettings } from '../../runner/run-settings.js';
import type { IO } from '../../terminal/io.js';
import { formatUsd, usdAmount as usd } from '../../runner/budget.js';
import type { CostForecast, PriceBasis } from '../../runner/prices.js';

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

export function printDryRun(
  reports: readonly DryRunReport[],
  endpoint: string,
  io: IO,
  json: boolean,
  forecast: CostForecast,
  budgetMicro: number | null,
): void {
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
  const cost = {
    expected_cost_usd: forecast.expectedMicro === null ? null : usd(forecast.expectedMicro),
    price_basis: forecast.basis,
    prices_usd: Object.fromEntries([...forecast.prices].map(([style, micro]) => [style, micro === null ? null : usd(micro)])),
    budget_usd: budgetMicro === null ? null : usd(budgetMicro),
    tasks_within_budget: forecast.fitting,
  };
  if (json) io.print(JSON.stringify({ summary: { dry_run: true, ...summary, ...cost } }));
  const unknown = summary.unknown ? `, ${summary.unknown} with an unknown outcome (not sent again without --resend-unknown)` : '';
  io.info(
    `dry run: ${summary.tasks_to_create} task${summary.tasks_to_create === 1 ? '' : 's'} would be created, ` +
      `${summary.to_collect} collected from earlier runs, ${summary.to_skip} skipped, ${summary.refused} refused${unknown}; nothing was sent`,
  );
  if (summary.tasks_to_create > 0) io.info(describeForecast(forecast, summary.tasks_to_create, budgetMicro));
}

const BASIS_TEXT: Record<PriceBasis, string> = {
  style: "the median usage.cost of each style's recent tasks in the task ledger",
  'all-styles': 'the median usage.cost of recent tasks in the task ledger; a style not among them is priced at the median over all styles',
};

function describeForecast(forecast: CostForecast, tasks: number, budgetMicro: number | null): string {
  if (forecast.expectedMicro === null || forecast.basis === null) {
    const budget = budgetMicro === null ? '--budget <usd>' : `--budget ${formatUsd(budgetMicro)}`;
    return `expected cost: price not known yet (no task with a cost in the ledger; the Vtrix console lists the prices); with ${budget} the run creates one task first and waits for its cost before creating more`;
  }
  const prices = [...new Set(forecast.prices.values())];
  const each = prices.length === 1 ? `, ${formatUsd(prices[0]!)} a task` : '';
  const line = `expected cost: about ${formatUsd(forecast.expectedMicro)}${each} (${BASIS_TEXT[forecast.basis]})`;
  if (budgetMicro === null || forecast.fitting === null) return line;
  const fit =
    forecast.fitting >= tasks
      ? tasks === 1
        ? 'the task fits'
        : `all ${tasks} tasks fit`
      : `${forecast.fitting} of the ${tasks} tasks fit; the other ${tasks - forecast.fitting} would not be started`;
  return `${line}\n--budget ${formatUsd(budgetMicro)}: ${fit}`;
}
