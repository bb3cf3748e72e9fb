import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SparkClient } from '../../src/api/client.js';
import { resolveStyle } from '../../src/catalog/styles.js';
import type { Clock } from '../../src/core/clock.js';
import type { Faults } from '../../src/emulator/faults.js';
import type { Ledger } from '../../src/ledger/ledger.js';
import { SqliteLedger } from '../../src/ledger/sqlite-ledger.js';
import type { RunnerEvent } from '../../src/runner/events.js';
import type { ItemContext } from '../../src/runner/item.js';
import { planItems, type PlannedItem } from '../../src/runner/plan.js';
import { PreparedImageCache } from '../../src/runner/prepared-cache.js';
import type { RunSettings } from '../../src/runner/run-settings.js';
import { emulator } from './emulator.js';
import { fakeClock } from './fake-clock.js';
import { makeImage } from './images.js';
import { tempDir } from './tmp.js';

/** A run's settings as `stylize` has them by default. */
export const RUN_SETTINGS: RunSettings = {
  overwrite: false,
  returnUrl: true,
  logo: null,
  timeoutMs: 600_000,
  retryFailed: false,
  resendUnknown: false,
  fix: null,
  saving: { provenance: true, keepGps: false, rescueFolder: null },
};

/**
 * The batch runner in-process: n photos in one style, real HTTP to the emulator on loopback,
 * the emulator and the runner sharing one fake clock, so tasks of 10 s "finish" without
 * anyone waiting for them. `plain`: results are ready as soon as the task exists, so fake
 * time racing ahead of a real render cannot make a poller give up.
 */
export async function inProcessRun(n: number, options: { faults?: Faults; costPerTask?: string; style?: string } = {}) {
  const clock = fakeClock(Date.UTC(2030, 5, 1));
  const server = await emulator({ latencyMs: 10_000, now: clock.now, faults: options.faults ?? {}, plain: true, costPerTask: options.costPerTask });
  const dir = tempDir();
  const paths: string[] = [];
  for (let i = 0; i < n; i++) {
    paths.push(join(dir, `p${i + 1}.jpg`));
    writeFileSync(paths[i]!, await makeImage(800 + i * 8, 600));
  }
  const out = join(dir, 'out');
  mkdirSync(out);
  const items = planItems(
    paths.map((path) => ({ kind: 'file' as const, path, relativeDir: '' })),
    [resolveStyle(options.style ?? 'ink-wash')],
    out,
  );
  const ledger = SqliteLedger.inMemory(clock);
  const events: RunnerEvent[] = [];
  const context = (extra: Partial<ItemContext> = {}): ItemContext =>
    runnerContext({ baseUrl: server.url, clock, ledger, items, emit: (event) => events.push(event) }, extra);
  return { clock, server, items, ledger, events, context, out };
}

/** An ItemContext for the runner against the server at baseUrl, with the default run settings. */
export function runnerContext(
  parts: { baseUrl: string; clock: Clock; ledger: Ledger; items: readonly PlannedItem[]; emit?: ItemContext['emit'] },
  extra: Partial<ItemContext> = {},
): ItemContext {
  return {
    client: new SparkClient({ baseUrl: parts.baseUrl, apiKey: 'k', clock: parts.clock }),
    ledger: parts.ledger,
    clock: parts.clock,
    interrupt: new AbortController().signal,
    settings: RUN_SETTINGS,
    emit: parts.emit ?? (() => undefined),
    images: new PreparedImageCache(parts.items, null),
    ...extra,
  };
}
