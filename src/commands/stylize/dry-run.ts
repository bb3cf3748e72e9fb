import { formatUsd, parseUsd } from '../../core/money.js';
import type { Plan, PlanSummary, PriceBasis } from '../../engine/types.js';
import type { IO } from '../../terminal/io.js';

/** --dry-run: the plan, each item with the request it would send, then the counts and the expected cost. */
export function printDryRun(plan: Plan, io: IO, json: boolean): void {
  for (const item of plan.items) {
    if (json) {
      io.print(JSON.stringify(item));
      continue;
    }
    const reason = item.reason ? ` (${item.reason})` : '';
    io.print(`# ${item.input} as ${item.style}: ${item.action}${reason}${item.output ? ` -> ${item.output}` : ''}`);
    if (item.body) {
      io.print(`POST ${plan.endpoint}`);
      io.print('Authorization: Bearer <your API key>');
      io.print(JSON.stringify(item.body, null, 2));
    }
  }
  const { summary } = plan;
  if (json) io.print(JSON.stringify({ summary }));
  const unknown = summary.unknown ? `, ${summary.unknown} with an unknown outcome (not sent again without --resend-unknown)` : '';
  io.info(
    `dry run: ${summary.tasks_to_create} task${summary.tasks_to_create === 1 ? '' : 's'} would be created, ` +
      `${summary.to_collect} collected from earlier runs, ${summary.to_skip} skipped, ${summary.refused} refused${unknown}; nothing was sent`,
  );
  if (summary.tasks_to_create > 0) io.info(describeForecast(summary));
}

const BASIS_TEXT: Record<PriceBasis, string> = {
  style: "the median usage.cost of each style's recent tasks in the task ledger",
  'all-styles': 'the median usage.cost of recent tasks in the task ledger; a style not among them is priced at the median over all styles',
};

function describeForecast(summary: PlanSummary): string {
  const budgetMicro = parseUsd(summary.budget_usd);
  const tasks = summary.tasks_to_create;
  const fitting = summary.tasks_within_budget;
  if (summary.expected_cost_usd === null || summary.price_basis === null) {
    const budget = budgetMicro === null ? '--budget <usd>' : `--budget ${formatUsd(budgetMicro)}`;
    return `expected cost: price not known yet (no task with a cost in the ledger; the Vtrix console lists the prices); with ${budget} the run creates one task first and waits for its cost before creating more`;
  }
  const prices = [...new Set(Object.values(summary.prices_usd))];
  const each = prices.length === 1 && prices[0] ? `, ${formatUsd(parseUsd(prices[0])!)} a task` : '';
  const line = `expected cost: about ${formatUsd(parseUsd(summary.expected_cost_usd)!)}${each} (${BASIS_TEXT[summary.price_basis]})`;
  if (budgetMicro === null || fitting === null) return line;
  const fit =
    fitting >= tasks
      ? tasks === 1
        ? 'the task fits'
        : `all ${tasks} tasks fit`
      : `${fitting} of the ${tasks} tasks fit; the other ${tasks - fitting} would not be started`;
  return `${line}\n--budget ${formatUsd(budgetMicro)}: ${fit}`;
}
