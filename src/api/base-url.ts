import { UsageError } from '../core/errors.js';
import { isLoopbackHost } from '../core/loopback.js';

export const DEFAULT_BASE_URL = 'https://cloud.vtrix.ai';

/**
 * The API base URL must be https: the key travels in every request. Plain http is allowed
 * for loopback (the emulator) or with --insecure. Checked before any name lookup.
 */
export function checkBaseUrl(raw: string, options: { insecure?: boolean; warn?: (line: string) => void } = {}): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`base URL "${raw}" is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`base URL "${raw}" must be https`);
  if (url.username || url.password) throw new UsageError('base URL must not carry a user name or password');
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    if (!options.insecure) {
      throw new UsageError(`refusing plain-http base URL ${url.origin}: the API key would travel unencrypted`, {
        code: 'insecure-base-url',
        hint: 'use https, or pass --insecure if you really mean it',
      });
    }
    options.warn?.(`warning: --insecure: sending the API key over plain http to ${url.host}`);
  }
  return url.href.replace(/\/+$/, '');
}
