import { createHash } from 'node:crypto';

/** Results stay downloadable for 24 hours (provider's page); older tasks are not worth collecting. */
export const COLLECTABLE_FOR_MS = 24 * 60 * 60 * 1000;

/**
 * The options that change the picture the service makes. Anything else recorded with an
 * attempt (return_url: how the same picture is delivered; fix: how the same photo is sent) is
 * left out, so the same item never gets a second key.
 */
function pictureOptions(options: Record<string, unknown> | null | undefined): Record<string, unknown> {
  return { logo_info: options?.logo_info ?? null };
}

/**
 * The item key: the photo, the style, the watermark. `inputSha256` is the hash of the ORIGINAL
 * input (the file's bytes as read from disk, before any --fix; the URL for a URL input),
 * `options` the recorded options (only pictureOptions of them count). --fix is left out on
 * purpose: a camera photo whose EXIF --fix strips is still the same item, and the first
 * version (which recorded the original's hash for --fix items) keys the same way.
 */
export function itemKey(parts: { inputSha256: string; reqKey: string; subReqKey: string | null; options: Record<string, unknown> | null }): string {
  const canonical = JSON.stringify([parts.inputSha256, parts.reqKey, parts.subReqKey, sortKeys(pictureOptions(parts.options))]);
  return createHash('sha256').update(canonical).digest('hex').slice(0, 32);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, sortKeys(v)]),
    );
  }
  return value;
}

/**
 * Where a ledger row's task lives: the base URL's origin and path, without a trailing slash,
 * so "https://host/" and "https://host" are one service.
 */
export function apiOrigin(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  } catch {
    return baseUrl.replace(/\/+$/, '');
  }
}
