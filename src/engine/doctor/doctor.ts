import { parseDuration } from '../../core/duration.js';
import { isSparkError } from '../../core/errors.js';
import { exitCodeForKind } from '../../core/exit-codes.js';
import { ledgerLocation, type EngineState } from '../state.js';
import { isPostgresUrl } from '../ledger-location.js';
import type { DoctorOptions, DoctorReport } from '../types.js';
import { checkApiKey, checkConfigFile, checkConfigFolder, checkLedger, checkNode, checkSharp } from './local-checks.js';
import { checkOfflineEmulator } from './offline-emulator.js';
import { describeProxy, probeService } from './probe.js';
import { checkSharedLedger } from './shared-ledger-check.js';
import { type CheckResult, doctorExitCode, fail, pass } from './verdicts.js';

/**
 * client.doctor(): the doctor checks as data, for this client's setup: Node and sharp, the state
 * folder (and a config file, when given) and its ledger, the key, the base URL and proxy, and one
 * probe of the service through the client's own connection (the built-in emulator when offline).
 * The CLI's doctor prints exactly this report.
 */
export async function doctorOf(state: EngineState, options: DoctorOptions = {}): Promise<DoctorReport> {
  const timeoutMs = typeof options.timeout === 'number' ? options.timeout : parseDuration(options.timeout ?? '10s');
  const checks: CheckResult[] = [checkNode(), await checkSharp(), ...(await localSetup(state, options))];
  if (options.offline) {
    checks.push(await checkOfflineEmulator(timeoutMs, state.clock));
    return report(checks);
  }
  if (!state.target.offline) {
    const key = state.target.apiKey;
    checks.push(checkApiKey(key ? { key: key.key, source: key.source ?? 'the apiKey option' } : undefined));
    if (!key && !options.probeWithoutKey) return report(checks);
  }
  checks.push(...(await probe(state, timeoutMs, options.baseUrlHint ?? 'check the baseUrl option')));
  return report(checks);
}

/** The state folder, and only when it is private what lies in it: the config file and the ledger (an offline client's is in memory). */
async function localSetup(state: EngineState, options: DoctorOptions): Promise<CheckResult[]> {
  const folder = checkConfigFolder(state.stateDir);
  if (folder.status !== 'pass') return [folder];
  const checks = [folder, ...(options.configFile === undefined ? [] : [checkConfigFile(options.configFile)])];
  if (state.target.offline) return checks;
  const location = ledgerLocation(state);
  return [...checks, ...(isPostgresUrl(location) ? await checkSharedLedger(location, state.clock) : await checkLedger(location, state.clock))];
}

async function probe(state: EngineState, timeoutMs: number, baseUrlHint: string): Promise<CheckResult[]> {
  let connection: { readonly baseUrl: string; readonly apiKey?: string; close(): Promise<void> };
  try {
    // Without a key there is no connection to make (it needs one): the service's address is probed as it stands.
    connection =
      state.target.apiKey || state.target.offline
        ? await state.connect(state.target, { clock: state.clock })
        : { baseUrl: state.target.baseUrl(), close: async () => undefined };
  } catch (error) {
    if (!isSparkError(error)) throw error;
    return [fail('base url', error.message, error.hint ?? baseUrlHint, exitCodeForKind(error.kind))];
  }
  try {
    const found = await probeService({ baseUrl: connection.baseUrl, apiKey: connection.apiKey, timeoutMs, clock: state.clock });
    return [pass('proxy', describeProxy(connection.baseUrl)), ...found];
  } finally {
    await connection.close();
  }
}

function report(checks: CheckResult[]): DoctorReport {
  return { checks, exitCode: doctorExitCode(checks) };
}
