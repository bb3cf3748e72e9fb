import { formatUsd, parseUsd } from '../../core/money.js';
import { shellCommand } from '../../core/shell-quote.js';
import type { RunResult } from '../../engine/types.js';

/** How to resume: the command as typed (never with the key), and what it needs besides. */
export interface ResumeNote {
  readonly command: readonly string[];
  /** The run read its inputs from stdin: the note says to give them again. */
  readonly readStdin: boolean;
  /** The key came from --api-key, which the command leaves out: the note says so. */
  readonly keyFromFlag: boolean;
}

/** Items named in the budget line; the rest are counted (every one has its own --json object). */
const MAX_NAMED = 5;

/** What a stopped run tells people after its summary (interrupted, or --budget held items back); null when it simply ended. */
export function describeRunEnd(result: RunResult, resume: ResumeNote): string | null {
  if (result.interrupted) return describeInterrupt(result, resume);
  if (result.budgetStop) return describeBudgetStop(result, result.budgetStop, resume);
  return null;
}

function resumeLines(resume: ResumeNote, withKeyNote: boolean): string {
  return (
    `\n  ${shellCommand(resume.command)}` +
    (resume.readStdin ? '\n  (with the same list of paths on stdin)' : '') +
    (withKeyNote && resume.keyFromFlag ? '\n  (with the key in SPARK_STYLE_API_KEY, or --api-key as before)' : '')
  );
}

function describeInterrupt(result: RunResult, resume: ResumeNote): string {
  const running = result.items.filter((item) => item.status === 'interrupted' && item.task_id).length;
  if (result.offline) {
    // The emulator and its in-memory ledger end with this process: nothing is left to collect.
    return (
      `interrupted: ${running ? `${running} task${running === 1 ? ' was' : 's were'} running in the offline emulator (free), which stopped with this run. ` : ''}` +
      `Running the same command again redoes what was not saved:${resumeLines(resume, false)}`
    );
  }
  const next =
    running === 0
      ? 'interrupted: no task is left running on the server. Run the same command again to do the rest:'
      : `interrupted: ${running} task${running === 1 ? '' : 's'} still running on the server. Run the same command again to collect ${running === 1 ? 'it' : 'them'} without paying again:`;
  return `${next}${resumeLines(resume, true)}`;
}

function describeBudgetStop(result: RunResult, stop: NonNullable<RunResult['budgetStop']>, resume: ResumeNote): string {
  const { held } = stop;
  const shown = held.slice(0, MAX_NAMED).map((item) => `${item.input} (${item.style})`);
  const more = held.length > MAX_NAMED ? ` and ${held.length - MAX_NAMED} more` : '';
  const them = held.length === 1 ? 'it' : 'they';
  const count = `${held.length} item${held.length === 1 ? '' : 's'} not started`;
  if (stop.cost_unreported) {
    // Each held item's own message says why: the service reported no cost.
    const why = result.items.find((item) => item.error?.code === 'budget')?.error?.message.replace(/^not started: /, '');
    return `budget: ${count} (${shown.join(', ')}${more}): ${why}`;
  }
  const prices = held.map((item) => parseUsd(item.price_usd));
  const rest = prices.every((price) => price !== null) ? `; ${them} would cost about ${formatUsd(prices.reduce((sum: number, price) => sum + price!, 0))}` : '';
  return (
    `budget: ${count}, as ${them} could take the run over --budget ${formatUsd(parseUsd(stop.limit_usd)!)}: ${shown.join(', ')}${more}${rest}.\n` +
    `To continue, run the same command again: it skips what is done and spends up to --budget again (raise --budget to do more in one run):${resumeLines(resume, true)}`
  );
}
