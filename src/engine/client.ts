import { homedir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '../core/clock.js';
import { UsageError } from '../core/errors.js';
import { STYLES } from '../catalog/styles.js';
import { checkMany, checkOne } from './check.js';
import { connectionTarget, connectThrough, openConnection, type ConnectFunction, type ConnectionTarget } from './connection.js';
import { planItemsOf, planSummary } from './plan.js';
import { enforceMaxTasks, ensureWritableFolders, planRun } from './prepare.js';
import { resolveRun, type RunDefaults } from './run-options.js';
import { startRun } from './run-channel.js';
import { runSession } from './session.js';
import { statusOf } from './status.js';
import { ledgerLocation, openLedger, rescueFolder, type EngineState } from './state.js';
import { leaseDuration } from '../ledger/lease.js';
import { isPostgresUrl } from '../ledger/open-ledger.js';
import type { HistoryEntry, HistoryFilter, LeftOut, Plan, RunResult, SparkStyle, SparkStyleOptions, StyleInfo, StylizeOptions } from './types.js';

/** What the CLI adds to the public options: its own way to connect (CommandContext.connect), its config already read. */
export interface EngineInternals {
  /** Where requests go, already resolved from flags, environment and config (the key already kept out of output). */
  readonly target?: ConnectionTarget;
  readonly connect?: ConnectFunction;
  readonly defaults?: RunDefaults;
}

/**
 * A spark-style client. It reads no config file unless told to (loadConfig), never prints,
 * never exits, installs no signal handlers and leaves process.env alone.
 */
export function createSparkStyle(options: SparkStyleOptions = {}): SparkStyle {
  return createEngine(options);
}

/** The client with the CLI's internals (cmdutil/engine.ts); programs use createSparkStyle. */
export function createEngine(options: SparkStyleOptions, internals: EngineInternals = {}): SparkStyle {
  let state: Promise<EngineState> | null = null;
  const ready = (): Promise<EngineState> => {
    state ??= resolveState(options, internals);
    return state;
  };
  return {
    styles,
    check: (path, checkOptions) => checkOne(path, checkOptions),
    checkAll: (paths, checkOptions) => checkMany(paths, checkOptions),
    plan: async (inputs, runOptions) => plan(await ready(), inputs, runOptions),
    stylize: (inputs, runOptions) => startRun((emit) => ready().then((engine) => stylize(engine, inputs, runOptions, emit))),
    status: async (taskIds, statusOptions = {}) => statusOf(await ready(), taskIds, statusOptions),
    history: async (filter) => history(await ready(), filter),
    doctor: async (doctorOptions) => {
      const { doctorOf } = await import('./doctor/doctor.js');
      return doctorOf(await ready(), doctorOptions);
    },
    sheet: (inputs, sheetOptions) =>
      startRun((emit) =>
        ready().then(async (engine) => {
          const { sheetOf } = await import('./sheet.js');
          return sheetOf(sheetOptions, engine.clock, (extra) => stylize(engine, inputs, { ...sheetOptions, ...extra }, emit));
        }),
      ),
    close: async () => {
      if (!state) return;
      const engine = await state.catch(() => null);
      await engine?.memoryLedger?.close();
      if (engine) engine.memoryLedger = null;
    },
  };
}

async function resolveState(options: SparkStyleOptions, internals: EngineInternals): Promise<EngineState> {
  const env = options.env ?? {};
  const offline = options.offline ? (options.offline === true ? {} : options.offline) : null;
  if (offline && (options.baseUrl || options.apiKey)) throw new UsageError('--offline uses the built-in emulator: drop --base-url and --api-key');
  const config = options.loadConfig ? await readConfig(env) : null;
  const apiKey = options.apiKey ? { key: options.apiKey, source: 'the apiKey option' } : (config?.apiKey ?? null);
  const clock = options.clock ?? systemClock;
  return {
    clock,
    stateDir: options.stateDir ?? defaultStateDir(env),
    ledger: options.ledger ?? config?.ledger ?? null,
    leaseMs: options.leaseMs ?? (options.loadConfig ? leaseDuration(env) : undefined),
    target:
      internals.target ??
      connectionTarget({
        offline,
        apiKey,
        baseUrl: options.baseUrl ?? config?.baseUrl,
        insecure: options.insecure === true,
        warn: options.log ?? (() => undefined),
      }),
    connect: internals.connect ?? (options.connect ? connectThrough(options.connect) : openConnection),
    defaults: internals.defaults ?? config?.defaults ?? {},
    log: options.log,
    memoryLedger: null,
  };
}

/** As the CLI: SPARK_STYLE_CONFIG_DIR, else $XDG_CONFIG_HOME/spark-style, else ~/.config/spark-style. */
function defaultStateDir(env: Readonly<Record<string, string | undefined>>): string {
  if (env.SPARK_STYLE_CONFIG_DIR) return env.SPARK_STYLE_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'spark-style');
}

/** loadConfig: the config file and the environment variables the CLI reads, by the CLI's precedence. */
async function readConfig(env: Readonly<Record<string, string | undefined>>) {
  const { readConfigFile, resolveApiKey } = await import('../config/config-file.js');
  const file = await readConfigFile(env);
  const text = (key: 'base-url' | 'default-style' | 'out-dir' | 'name-template' | 'ledger') => {
    const value = file.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  const concurrency = file.get('concurrency');
  return {
    apiKey: resolveApiKey(undefined, env, file) ?? null,
    baseUrl: env.SPARK_STYLE_BASE_URL ?? text('base-url'),
    ledger: env.SPARK_STYLE_LEDGER || (text('ledger') ?? null),
    defaults: {
      style: text('default-style'),
      outDir: text('out-dir'),
      nameTemplate: text('name-template'),
      concurrency: typeof concurrency === 'number' ? concurrency : undefined,
    } satisfies RunDefaults,
  };
}

function styles(): readonly StyleInfo[] {
  return STYLES.map((style) => ({ alias: style.alias, req_key: style.reqKey, sub_req_key: style.subReqKey, name: style.name }));
}

async function plan(state: EngineState, inputs: readonly string[], options: StylizeOptions): Promise<Plan> {
  const run = resolveRun(options, state.defaults, rescueFolder(state));
  const leftOut: LeftOut[] = [];
  const items = await planRun(inputs, options, run, (one) => leftOut.push(one));
  const handle = await openLedger(state, { lookOnly: true });
  try {
    const planned = await planItemsOf(items, run, handle.ledger, state.clock.now());
    const endpoint = `${state.target.offline ? 'http://127.0.0.1:<emulator port>' : state.target.baseUrl()}/model/v1/generation`;
    return { items: planned, summary: await planSummary(planned, run, handle.ledger), endpoint, leftOut };
  } finally {
    await handle.close();
  }
}

async function stylize(
  state: EngineState,
  inputs: readonly string[],
  options: StylizeOptions,
  emit: Parameters<Parameters<typeof startRun>[0]>[0],
): Promise<RunResult> {
  const run = resolveRun(options, state.defaults, rescueFolder(state));
  const items = await planRun(inputs, options, run, ({ path, reason }) => emit({ type: 'input-left-out', path, reason }));
  if (run.maxTasks !== undefined) {
    const handle = await openLedger(state, { lookOnly: true });
    try {
      await enforceMaxTasks(items, run, handle.ledger, state.clock.now());
    } finally {
      await handle.close();
    }
  }
  await ensureWritableFolders(items);
  return runSession(state, items, run, options.signal ?? new AbortController().signal, emit);
}

async function history(state: EngineState, filter: HistoryFilter = {}): Promise<HistoryEntry[]> {
  const { existsSync } = await import('node:fs');
  // Reading history must not create a ledger: no file simply means no tasks yet.
  const location = ledgerLocation(state);
  if (!state.target.offline && !isPostgresUrl(location) && !existsSync(location)) return [];
  const handle = await openLedger(state, { lookOnly: true });
  try {
    const since = filter.since instanceof Date ? filter.since.getTime() : filter.since;
    return await handle.ledger.history({ sinceMs: since, style: filter.style, status: filter.status, limit: filter.limit });
  } finally {
    await handle.close();
  }
}
