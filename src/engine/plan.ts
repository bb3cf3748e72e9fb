import { usdAmount as usd } from '../core/money.js';
import type { Ledger } from '../ledger/ledger.js';
import type { DecisionAction } from '../runner/decide.js';
import { previewItems } from '../runner/plan-decisions.js';
import type { PlannedItem } from '../runner/plan.js';
import { forecastCost, priceBookFromLedger, type CostForecast } from '../runner/prices.js';
import type { ResolvedRun } from './run-options.js';
import type { PlanItem, PlanSummary } from './types.js';

/** What a run would do with each item, without sending anything: the run's own decisions. */
export async function planItemsOf(items: readonly PlannedItem[], run: ResolvedRun, ledger: Ledger, now: number): Promise<PlanItem[]> {
  const previews = await previewItems(items, { ledger, settings: run.settings, now, withBody: true });
  return previews.map(({ item, decision, body, changes }) => {
    const fixNote = changes.length ? `--fix: ${changes.join(', ')}` : null;
    const reason = decision.action === 'create' ? [decision.reason, fixNote].filter(Boolean).join('; ') || null : decision.reason;
    const output = decision.action === 'skip' && decision.output ? decision.output : item.outputBase ? `${item.outputBase}.*` : null;
    return { input: item.input, style: item.style.alias, action: decision.action, output, reason, body };
  });
}

/** The counts and the expected cost of a plan, as `--dry-run --json` prints them. */
export async function planSummary(items: readonly PlanItem[], run: ResolvedRun, ledger: Ledger): Promise<PlanSummary> {
  const count = (action: DecisionAction) => items.filter((item) => item.action === action).length;
  const creates = items.filter((item) => item.action === 'create').map((item) => item.style);
  const forecast: CostForecast = forecastCost(creates, await priceBookFromLedger(ledger), run.budgetMicro);
  return {
    dry_run: true,
    tasks_to_create: count('create'),
    to_collect: count('collect'),
    to_skip: count('skip'),
    refused: count('refuse'),
    unknown: count('unknown'),
    expected_cost_usd: forecast.expectedMicro === null ? null : usd(forecast.expectedMicro),
    price_basis: forecast.basis,
    prices_usd: Object.fromEntries([...forecast.prices].map(([style, micro]) => [style, micro === null ? null : usd(micro)])),
    budget_usd: run.budgetMicro === null ? null : usd(run.budgetMicro),
    tasks_within_budget: forecast.fitting,
  };
}
