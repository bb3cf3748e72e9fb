import { checkBaseUrl, DEFAULT_BASE_URL } from '../api/base-url.js';
import { SparkClient, type RequestGate } from '../api/client.js';
import type { Clock } from '../core/clock.js';
import { MissingKeyError, UsageError } from '../core/errors.js';
import { resolveApiKey, type KeySource, type ConfigFile } from '../config/config-file.js';
import type { RunningEmulator } from '../emulator/server.js';
import { palette } from '../terminal/colors.js';
import type { IO } from '../terminal/io.js';
import type { ConnectionFlags } from './connection-flags.js';

/** The connection flags, resolved once per command (resolveConnection). */
export interface ConnectionTarget {
  readonly offline: boolean;
  /** By precedence: --api-key, SPARK_STYLE_API_KEY, VTRIX_API_KEY, config. Already a secret of the IO. */
  readonly apiKey: { readonly key: string; readonly source: KeySource } | undefined;
  /** By precedence: --base-url, SPARK_STYLE_BASE_URL, config, the provider's; checked (and warned about) on first use. */
  baseUrl(): string;
}

export interface Connection {
  readonly client: SparkClient;
  readonly baseUrl: string;
  /** Set when --offline started an emulator in this process; close it when done. */
  readonly emulator: RunningEmulator | null;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Verbose request lines. */
  readonly log?: (line: string) => void;
  readonly gate?: RequestGate;
  readonly clock?: Clock;
  readonly offlineLatencyMs?: number;
}

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
  const apiKey = resolveApiKey(flags.apiKey, io.env, config);
  if (apiKey) io.addSecret(apiKey.key);
  let baseUrl: string | undefined;
  return {
    offline: flags.offline === true,
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

/**
 * The API client for a command: against the real service (key required), or with --offline
 * against an emulator started in this process on a free loopback port, through the very
 * same client code. Commands reach this through CommandContext.connect, which tests replace.
 */
export async function openConnection(target: ConnectionTarget, options: ConnectOptions = {}): Promise<Connection> {
  const { log, gate, clock } = options;
  if (target.offline) {
    const { startEmulator } = await import('../emulator/server.js');
    // The emulator keeps the command's time: on a test's virtual clock its tasks finish in virtual time.
    const emulator = await startEmulator({ port: 0, latencyMs: options.offlineLatencyMs ?? 2500, costPerTask: '0.0000', now: clock?.now });
    const client = new SparkClient({ baseUrl: emulator.url, apiKey: 'offline', log, gate, clock });
    return { client, baseUrl: emulator.url, emulator, close: () => emulator.close() };
  }
  const baseUrl = target.baseUrl();
  if (!target.apiKey) throw new MissingKeyError();
  const client = new SparkClient({ baseUrl, apiKey: target.apiKey.key, keySource: target.apiKey.source, log, gate, clock });
  return { client, baseUrl, emulator: null, close: async () => undefined };
}
