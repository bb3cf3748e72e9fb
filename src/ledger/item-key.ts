import { createHash } from 'node:crypto';

/** Results stay downloadable for 24 hours (provider's page); older tasks are not worth collecting. */
export const COLLECTABLE_FOR_MS = 24 * 60 * 60 * 1000;

/** The item key: one (input content, style, result-changing options) combination. */
export function itemKey(parts: { inputSha256: string; reqKey: string; subReqKey: string | null; options: Record<string, unknown> }): string {
  const canonical = JSON.stringify([parts.inputSha256, parts.reqKey, parts.subReqKey, sortKeys(parts.options)]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}
