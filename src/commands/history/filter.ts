import { resolveStyle } from '../../catalog/styles.js';
import { parseDuration } from '../../core/duration.js';
import { UsageError } from '../../core/errors.js';
import type { HistoryFilter, LedgerStatus } from '../../ledger/ledger.js';

const LEDGER_STATUSES: readonly LedgerStatus[] = ['saved', 'failed', 'open', 'unknown', 'expired', 'never-sent'];

interface HistoryFlags {
  since?: string;
  style?: string;
  status?: string;
  limit?: number;
}

/** `--since 2d` (an age: 90m, 12h, 2d, 1w) or `--since 2026-11-01` (a date or an ISO time). */
export function parseSince(text: string, now: number): number {
  const trimmed = text.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) throw new UsageError(`--since "${text}" is not a date; use 2026-11-01 or an age such as 2d`, { code: 'invalid-since' });
    return at;
  }
  return now - parseDuration(trimmed, '--since');
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
    ...(flags.since !== undefined ? { sinceMs: parseSince(flags.since, now) } : {}),
    ...(flags.style !== undefined ? { style: resolveStyle(flags.style).alias } : {}),
    ...(flags.status !== undefined ? { status: parseStatus(flags.status) } : {}),
    ...(flags.limit !== undefined ? { limit: flags.limit } : {}),
  };
}
