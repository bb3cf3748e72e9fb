import { parseDuration } from '../../core/duration.js';
import { isSparkError } from '../../core/errors.js';
import { exitCodeForKind } from '../../core/exit-codes.js';
import { ledgerLocation, type EngineState } from '../state.js';
import { isPostgresUrl } from '../ledger-location.js';
import type { DoctorOptions, DoctorReport } from '../types.js';
import { checkApiKey, checkConfigFolder, checkLedger, checkNode, checkSharp } from './local-checks.js';
import { describeProxy, probeService } from './probe.js';
import { checkSharedLedger } from './shared-ledger-check.js';
import { type CheckResult, doctorExitCode, fail, pass } from './verdicts.js';

/**
 * client.doctor(): the CLI's doctor checks as data, for this client's setup: Node and sharp,
 * the state folder and its ledger, the key, the base URL and proxy, and one probe of the
 * service through the client's own connection (the built-in emulator when offline).
 */
export async function doctorOf(state: EngineState, options: DoctorOptions = {}): Promise<DoctorReport> {
  const timeoutMs = typeof options.timeout === 'number' ? options.timeout : parseDuration(options.timeout ?? '10s');
  const checks: CheckResult[] = [checkNode(), await checkSharp()];
  const folder = checkConfigFolder(state.stateDir);
  checks.push(folder);
  if (folder.status === 'pass' && !state.target.offline) {
    const location = ledgerLocation(state);
    checks.push(...(isPostgresUrl(location) ? await checkSharedLedger(location, state.clock) : await checkLedger(location, state.clock)));
  }
  if (!state.target.offline) {
    const key = state.target.apiKey;
    checks.push(checkApiKey(key ? { key: key.key, source: key.source ?? 'the apiKey option' } : undefined));
    if (!key) return report(checks);
  }
  checks.push(...(await probe(state, timeoutMs)));
  return report(checks);
}

async function probe(state: EngineState, timeoutMs: number): Promise<CheckResult[]> {
  let connection: Awaited<ReturnType<EngineState['connect']>>;
  try {
    connection = await state.connect(state.target, { clock: state.clock });
  } catch (error) {
    if (!isSparkError(error)) throw error;
    return [fail('base url', error.message, error.hint ?? 'check the baseUrl option', exitCodeForKind(error.kind))];
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
