import { UsageError } from './errors.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90" (seconds), "90s", "5m", "1h", "1m30s", "1500ms", "2d", "1w" into milliseconds. */
export function parseDuration(text: string, optionName = '--timeout'): number {
  const trimmed = text.trim().toLowerCase();
  const withUnit = /^\d+(\.\d+)?$/.test(trimmed) ? `${trimmed}s` : trimmed;
  const parts = [...withUnit.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)];
  if (parts.length === 0 || parts.map((part) => part[0]).join('') !== withUnit) {
    throw new UsageError(`${optionName} "${text}" is not a duration; use seconds (90) or 90s, 5m, 1h`, { code: 'invalid-duration' });
  }
  const total = parts.reduce((sum, part) => sum + Number(part[1]) * UNIT_MS[part[2]!]!, 0);
  if (total <= 0) throw new UsageError(`${optionName} must be more than zero`, { code: 'invalid-duration' });
  return Math.round(total);
}
