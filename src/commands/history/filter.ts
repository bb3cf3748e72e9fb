import { resolveStyle } from '../../catalog/styles.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import type { HistoryFilter, LedgerStatus } from '../../engine/types.js';

/** Every status --status takes; shell completion offers the same list (commands/completion/spec.ts). */
export const LEDGER_STATUSES = ['saved', 'failed', 'open', 'unknown', 'expired', 'never-sent'] as const satisfies readonly LedgerStatus[];
// A LedgerStatus missing from the list above fails to compile here.
const EVERY_STATUS_LISTED: readonly (typeof LEDGER_STATUSES)[number][] = [] as LedgerStatus[];
void EVERY_STATUS_LISTED;

interface HistoryFlags {
  since?: string;
  style?: string;
  status?: string;
  limit?: number;
}

const SINCE_FORMS = 'use an age (90m, 12h, 2d, 1w), a date (2026-11-01), today or yesterday';

/**
 * `--since 2d` (an age: 90m, 12h, 2d, 1w), `--since 2026-11-01` (a date or an ISO time), or
 * `today` / `yesterday` (from local midnight).
 */
export function parseSince(text: string, now: number): number {
  const trimmed = text.trim();
  const word = trimmed.toLowerCase();
  if (word === 'today' || word === 'yesterday') {
    const midnight = new Date(now);
    midnight.setHours(0, 0, 0, 0);
    if (word === 'yesterday') midnight.setDate(midnight.getDate() - 1);
    return midnight.getTime();
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) throw new UsageError(`--since "${text}" is not a date; ${SINCE_FORMS}`, { code: 'invalid-since' });
    return at;
  }
  try {
    return now - parseDuration(trimmed, '--since');
  } catch (error) {
    if (error instanceof UsageError && error.code === 'invalid-duration' && !/more than zero/.test(error.message)) {
      throw new UsageError(`--since "${text}" is not an age or a date; ${SINCE_FORMS}`, { code: 'invalid-since' });
    }
    throw error;
  }
}

function parseStatus(text: string): LedgerStatus {
  const status = text.trim().toLowerCase();
  if (!(LEDGER_STATUSES as readonly string[]).includes(status)) {
    throw new UsageError(`--status "${text}" is not a status; use one of ${LEDGER_STATUSES.join(', ')}`, { code: 'invalid-status' });
  }
  return status as LedgerStatus;
}

/** The command line as a ledger query; a style is matched by its alias, however it was typed. */
export function historyFilter(flags: HistoryFlags, now: number): HistoryFilter {
  return {
    ...(flags.since !== undefined ? { since: parseSince(flags.since, now) } : {}),
    ...(flags.style !== undefined ? { style: resolveStyle(flags.style).alias } : {}),
    ...(flags.status !== undefined ? { status: parseStatus(flags.status) } : {}),
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
  };
}
