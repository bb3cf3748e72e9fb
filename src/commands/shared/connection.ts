import { checkBaseUrl, DEFAULT_BASE_URL } from '../../api/base-url.js';
import { SparkClient, type RequestGate } from '../../api/client.js';
import { MissingKeyError } from '../../core/errors.js';
import { resolveApiKey, type Settings } from '../../config/settings.js';
import type { RunningEmulator } from '../../emulator/server.js';

export interface ConnectionFlags {
  apiKey?: string;
  baseUrl?: string;
  insecure?: boolean;
  offline?: boolean;
}

export interface Connection {
  readonly client: SparkClient;
  readonly baseUrl: string;
  /** Set when --offline started an emulator in this process; close it when done. */
  readonly emulator: RunningEmulator | null;
  close(): Promise<void>;
}

/** The base URL by precedence: --base-url, SPARK_STYLE_BASE_URL, config, the provider's default. */
export function resolveBaseUrl(flags: ConnectionFlags, env: NodeJS.ProcessEnv, settings: Pick<Settings, 'get'>, warn: (line: string) => void): string {
  const raw = flags.baseUrl ?? env.SPARK_STYLE_BASE_URL ?? (settings.get('base-url') as string | undefined) ?? DEFAULT_BASE_URL;
  return checkBaseUrl(raw, { insecure: flags.insecure, warn });
}

/**
 * The API client for a command: against the real service (key required), or with --offline
 * against an emulator started in this process on a free loopback port, through the very
 * same client code.
 */
export async function openConnection(
  flags: ConnectionFlags,
  env: NodeJS.ProcessEnv,
  settings: Pick<Settings, 'get'>,
  options: { warn: (line: string) => void; log?: (line: string) => void; gate?: RequestGate; offlineLatencyMs?: number; addSecret?: (secret: string) => void },
): Promise<Connection> {
  if (flags.offline) {
    const { startEmulator } = await import('../../emulator/server.js');
    const emulator = await startEmulator({ port: 0, latencyMs: options.offlineLatencyMs ?? 2500, costPerTask: '0.0000' });
    const client = new SparkClient({ baseUrl: emulator.url, apiKey: 'offline', log: options.log, gate: options.gate });
    return { client, baseUrl: emulator.url, emulator, close: () => emulator.close() };
  }
  const baseUrl = resolveBaseUrl(flags, env, settings, options.warn);
  const key = resolveApiKey(flags.apiKey, env, settings);
  if (!key) throw new MissingKeyError();
  options.addSecret?.(key.key);
  const client = new SparkClient({ baseUrl, apiKey: key.key, log: options.log, gate: options.gate });
  return { client, baseUrl, emulator: null, close: async () => undefined };
}
