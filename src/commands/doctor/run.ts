import type { CommandContext } from '../../cmdutil/context.js';
import { exitCodeForKind } from '../../cmdutil/exit-codes.js';
import { describeProxy } from '../../engine/doctor/probe.js';
import { parseDuration } from '../../core/duration.js';
import { isSparkError } from '../../core/errors.js';
import { configDir, configFilePath } from '../../config/paths.js';
import { resolveApiKey } from '../../config/config-file.js';
import { palette } from '../../terminal/colors.js';
import { resolveBaseUrl } from '../../cmdutil/connection.js';
import type { DoctorOptions } from './define.js';
import { checkApiKey, checkConfigFile, checkConfigFolder, checkLedger, checkNode, checkSharp, readConfigFile } from '../../engine/doctor/local-checks.js';
import { probeService } from '../../engine/doctor/probe.js';
import { checkSharedLedger } from '../../engine/doctor/shared-ledger-check.js';
import { chooseLedger } from '../../cmdutil/ledger-choice.js';
import { isPostgresUrl } from '../../engine/ledger-location.js';
import { doctorExitCode, doctorJson, doctorLines, fail, pass, type CheckResult } from './report.js';

export async function runDoctor(options: DoctorOptions, context: CommandContext): Promise<number> {
  const { io } = context;
  const timeoutMs = parseDuration(options.timeout ?? '10s');
  const results: CheckResult[] = [checkNode(), await checkSharp()];

  const folderCheck = checkConfigFolder(configDir(io.env));
  results.push(folderCheck);
  const trusted = folderCheck.status === 'pass';
  const configPath = configFilePath(io.env);
  if (trusted) results.push(checkConfigFile(configPath));
  // Read without conf, so doctor never creates or rewrites anything; a broken file was reported above.
  let config: ReturnType<typeof readConfigFile> = {};
  try {
    if (trusted) config = readConfigFile(configPath);
  } catch {
    config = {};
  }
  const configFile = { get: (key: keyof typeof config) => config[key] };
  if (trusted) {
    const { location } = chooseLedger(context.ledger, io);
    results.push(...(isPostgresUrl(location) ? await checkSharedLedger(location, context.clock) : await checkLedger(location, context.clock)));
  }

  if (options.offline) {
    results.push(await checkOfflineEmulator(timeoutMs, context));
    return printed(results, options, context);
  }

  const key = resolveApiKey(options.apiKey, io.env, configFile);
  if (key) io.addSecret(key.key);
  results.push(checkApiKey(key));

  let baseUrl: string | null = null;
  try {
    baseUrl = resolveBaseUrl(options, io.env, configFile, () => undefined);
  } catch (error) {
    if (!isSparkError(error)) throw error;
    results.push(fail('base url', error.message, error.hint ?? 'check --base-url, SPARK_STYLE_BASE_URL or config base-url', exitCodeForKind(error.kind)));
  }
  if (baseUrl) {
    results.push(pass('proxy', describeProxy(baseUrl)));
    results.push(...(await probeService({ baseUrl, apiKey: key?.key, timeoutMs, clock: context.clock })));
  }

  return printed(results, options, context);
}

function printed(results: CheckResult[], options: DoctorOptions, { io }: CommandContext): number {
  if (options.json) io.print(doctorJson(results));
  else for (const line of doctorLines(results, palette(io.colorEnabled && io.stdoutIsTTY))) io.print(line);
  return doctorExitCode(results);
}

/** --offline: what an --offline run needs beyond the local checks is the emulator, listening and answering on loopback. */
async function checkOfflineEmulator(timeoutMs: number, context: CommandContext): Promise<CheckResult> {
  const { startEmulator } = await import('../../emulator/server.js');
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator({ port: 0 });
  } catch (error) {
    return fail('offline emulator', `could not listen on 127.0.0.1: ${(error as Error).message}`, 'loopback networking must work for --offline runs');
  }
  try {
    const [service] = await probeService({ baseUrl: emulator.url, apiKey: 'offline', timeoutMs, clock: context.clock });
    return service!.status === 'pass'
      ? pass('offline emulator', `answers on loopback (${emulator.url}); the service and the key were not checked (--offline)`)
      : { ...service!, check: 'offline emulator' };
  } finally {
    await emulator.close();
  }
}
