import { checkBaseUrl, DEFAULT_BASE_URL } from '../api/base-url.js';
import { UsageError } from '../core/errors.js';
import { resolveApiKey, type ConfigFile } from '../config/config-file.js';
import type { ConnectionTarget } from '../engine/connection.js';
import { palette } from '../terminal/colors.js';
import type { IO } from '../terminal/io.js';
import type { ConnectionFlags } from './connection-flags.js';

export type { Connection, ConnectionTarget, ConnectOptions } from '../engine/connection.js';
// main.ts loads this module lazily to connect: the engine's own way, unless a test brings another.
export { openConnection } from '../engine/connection.js';

/**
 * Where requests go and with which key, from the flags, the environment and the config. The
 * key is registered with the IO at once, so that nothing printed from here on can show it,
 * even in runs that never connect (--dry-run).
 */
export function resolveConnection(
  flags: ConnectionFlags,
  config: Pick<ConfigFile, 'get'>,
  io: Pick<IO, 'env' | 'addSecret' | 'info' | 'colorEnabled'>,
): ConnectionTarget {
  if (flags.offline && (flags.baseUrl || flags.apiKey)) throw new UsageError('--offline uses the built-in emulator: drop --base-url and --api-key');
  const apiKey = resolveApiKey(flags.apiKey, io.env, config) ?? null;
  if (apiKey) io.addSecret(apiKey.key);
  let baseUrl: string | undefined;
  return {
    offline: flags.offline === true ? {} : null,
    apiKey,
    baseUrl: () => {
      baseUrl ??= resolveBaseUrl(flags, io.env, config, (line) => io.info(palette(io.colorEnabled).warn(line)));
      return baseUrl;
    },
  };
}

/** The base URL by precedence: --base-url, SPARK_STYLE_BASE_URL, config, the provider's default. */
export function resolveBaseUrl(flags: ConnectionFlags, env: NodeJS.ProcessEnv, config: Pick<ConfigFile, 'get'>, warn: (line: string) => void): string {
  const raw = flags.baseUrl ?? env.SPARK_STYLE_BASE_URL ?? (config.get('base-url') as string | undefined) ?? DEFAULT_BASE_URL;
  return checkBaseUrl(raw, { insecure: flags.insecure, warn });
}
