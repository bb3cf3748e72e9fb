import { checkBaseUrl, DEFAULT_BASE_URL } from '../api/base-url.js';
import { SparkClient, type RequestGate } from '../api/client.js';
import type { Clock } from '../core/clock.js';
import { MissingKeyError } from '../core/errors.js';
import type { RunningEmulator } from '../emulator/server.js';
import type { ConnectionOverride, ConnectionRequest, OfflineOptions } from './types.js';

/** What the engine talks to the API through: a client, and what to close after. */
export interface Connection {
  readonly client: SparkClient;
  readonly baseUrl: string;
  /** The key requests carry (doctor's probe sends it itself). */
  readonly apiKey?: string;
  /** Set when offline started an emulator in this process. */
  readonly emulator: RunningEmulator | null;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** Verbose request lines. */
  readonly log?: (line: string) => void;
  readonly gate?: RequestGate;
  readonly clock?: Clock;
}

/** Where requests go, with which key: resolved once per client. */
export interface ConnectionTarget {
  readonly offline: OfflineOptions | null;
  readonly apiKey: { readonly key: string; readonly source?: string } | null;
  /** Checked on first use (a bad URL fails only what needs the network). */
  baseUrl(): string;
}

/** Replaces how a connection is made (tests; the CLI's own CommandContext.connect). */
export type ConnectFunction = (target: ConnectionTarget, options: ConnectOptions) => Promise<Connection>;

export function connectionTarget(options: {
  offline: OfflineOptions | null;
  apiKey: ConnectionTarget['apiKey'];
  baseUrl: string | undefined;
  insecure: boolean;
  warn: (line: string) => void;
}): ConnectionTarget {
  let checked: string | undefined;
  return {
    offline: options.offline,
    apiKey: options.apiKey,
    baseUrl: () => {
      checked ??= checkBaseUrl(options.baseUrl ?? DEFAULT_BASE_URL, { insecure: options.insecure, warn: options.warn });
      return checked;
    },
  };
}

/**
 * The API client: against the service (key required), or offline against an emulator started
 * in this process on a free loopback port, through the very same client code.
 */
export async function openConnection(target: ConnectionTarget, options: ConnectOptions = {}): Promise<Connection> {
  const { log, gate, clock } = options;
  if (target.offline) {
    const { startEmulator } = await import('../emulator/server.js');
    const emulator = await startEmulator({
      port: 0,
      latencyMs: target.offline.latencyMs ?? 2500,
      costPerTask: target.offline.costPerTask ?? '0.0000',
      now: clock?.now,
    });
    const client = new SparkClient({ baseUrl: emulator.url, apiKey: 'offline', log, gate, clock });
    return { client, baseUrl: emulator.url, apiKey: 'offline', emulator, close: () => emulator.close() };
  }
  const baseUrl = target.baseUrl();
  if (!target.apiKey) throw new MissingKeyError();
  const client = new SparkClient({ baseUrl, apiKey: target.apiKey.key, keySource: target.apiKey.source, log, gate, clock });
  return { client, baseUrl, apiKey: target.apiKey.key, emulator: null, close: async () => undefined };
}

/** The public test hook (SparkStyleOptions.connect): another base URL and key, the same client code. */
export function connectThrough(hook: (request: ConnectionRequest) => Promise<ConnectionOverride>): ConnectFunction {
  return async (target, options) => {
    const request: ConnectionRequest = {
      offline: target.offline !== null,
      baseUrl: target.offline ? null : target.baseUrl(),
      apiKey: target.apiKey?.key ?? null,
    };
    const override = await hook(request);
    const client = new SparkClient({ baseUrl: override.baseUrl, apiKey: override.apiKey, log: options.log, gate: options.gate, clock: options.clock });
    return { client, baseUrl: override.baseUrl, apiKey: override.apiKey, emulator: null, close: async () => override.close?.() };
  };
}
