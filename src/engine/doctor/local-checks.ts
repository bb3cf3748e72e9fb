import { existsSync, readFileSync, statSync } from 'node:fs';
import { ExitCode, exitCodeForKind } from '../../core/exit-codes.js';
import { isSparkError } from '../../core/errors.js';
import { assertPrivateStateDir } from '../../config/trust.js';
import type { Clock } from '../../core/clock.js';
import { shellCommand } from '../../core/shell-quote.js';
import { maskSecret } from '../../core/secrets.js';
import type { KeySource } from '../../config/config-file.js';
import { SqliteLedger } from '../../ledger/sqlite-ledger.js';
import { fail, pass, warn, type CheckResult } from './verdicts.js';

const MIN_NODE = [20, 9] as const;

export function checkNode(version = process.versions.node): CheckResult {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  const ok = major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1]);
  return ok ? pass('node', `v${version}`) : fail('node', `v${version} is too old`, `install Node.js ${MIN_NODE.join('.')} or newer`);
}

/** sharp and the formats this build decodes (input from files): what `--fix` can convert. */
export async function checkSharp(): Promise<CheckResult> {
  try {
    const { default: sharp } = await import('sharp');
    const reads = Object.values(sharp.format)
      .filter((format) => format.input.file)
      .map((format) => format.id)
      .sort();
    return pass('sharp', `${sharp.versions.sharp} (libvips ${sharp.versions.vips}); reads ${reads.join(', ')}`);
  } catch (error) {
    return fail(
      'sharp',
      `cannot load: ${(error as Error).message.split('\n')[0]}`,
      'reinstall: npm install -g spark-style (sharp needs its prebuilt binary for this platform)',
    );
  }
}

/** The mode bits, or null where Unix modes mean nothing (Windows). */
function modeOf(path: string): number | null {
  return process.platform === 'win32' ? null : statSync(path).mode & 0o777;
}

/**
 * A file that may hold the key or the task history: found (or not yet made, which is fine),
 * readable, and private (0600).
 */
function checkPrivateFile(check: string, path: string, read: () => string): CheckResult {
  if (!existsSync(path)) return pass(check, `${path} (not created yet)`);
  let summary: string;
  try {
    summary = read();
  } catch (error) {
    return fail(
      check,
      `${path} cannot be read: ${(error as Error).message.split('\n')[0]}`,
      `check the file, or move it aside: ${shellCommand(['mv', path, `${path}.broken`])}`,
    );
  }
  const mode = modeOf(path);
  if (mode !== null && mode !== 0o600) {
    return fail(check, `${path} has mode 0${mode.toString(8)}; others may read it`, shellCommand(['chmod', '600', path]));
  }
  return pass(check, `${path}${mode === null ? '' : ' (mode 0600)'}${summary ? `: ${summary}` : ''}`);
}

export function checkConfigFile(path: string): CheckResult {
  return checkPrivateFile('config', path, () => {
    const values = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (!values || typeof values !== 'object' || Array.isArray(values)) throw new Error('not a JSON object');
    return '';
  });
}

/**
 * The folder of the config and the ledger, checked as every command checks it before reading
 * anything there (config/trust.ts): when it fails, doctor reads neither file.
 */
export function checkConfigFolder(dir: string): CheckResult {
  if (!existsSync(dir)) return pass('config folder', `${dir} (not created yet)`);
  try {
    assertPrivateStateDir(dir);
  } catch (error) {
    if (!isSparkError(error)) throw error;
    return fail('config folder', error.message, error.hint ?? 'keep the config folder private (chmod 700)', exitCodeForKind(error.kind));
  }
  return pass('config folder', dir);
}

/** The ledger file, and the tasks in it that need a person: open ones to collect, unknown ones to check. */
export async function checkLedger(path: string, clock: Clock): Promise<CheckResult[]> {
  let found: { open: number; unknown: number } | null = null;
  let unreadable: unknown = null;
  if (existsSync(path)) {
    try {
      const ledger = SqliteLedger.open(path, clock);
      try {
        found = await ledger.counts();
      } finally {
        await ledger.close();
      }
    } catch (error) {
      unreadable = error;
    }
  }
  const file = checkPrivateFile('ledger', path, () => {
    if (unreadable !== null) throw unreadable;
    return '';
  });
  return found ? [file, ...taskChecks(found)] : [file];
}

/** The tasks a ledger holds that need a person: open ones to collect, unknown ones to check. */
export function taskChecks(found: { open: number; unknown: number }): CheckResult[] {
  const tasks: CheckResult[] = [];
  if (found.open > 0) {
    tasks.push(
      warn(
        'open tasks',
        `${found.open} task${found.open === 1 ? '' : 's'} created but not collected`,
        'run the same stylize command again to collect them without paying again (spark-style history --status open)',
      ),
    );
  } else tasks.push(pass('open tasks', 'none'));
  if (found.unknown > 0) {
    tasks.push(
      warn(
        'unknown tasks',
        `${found.unknown} create${found.unknown === 1 ? '' : 's'} whose answer was lost`,
        'check them in the Vtrix console before running again (spark-style history --status unknown)',
      ),
    );
  } else tasks.push(pass('unknown tasks', 'none'));
  return tasks;
}

export function checkApiKey(found: { key: string; source: KeySource | string } | undefined): CheckResult {
  if (!found) {
    return fail('api key', 'missing', 'printf %s "$KEY" | spark-style config set api-key -   (or export SPARK_STYLE_API_KEY=...)', ExitCode.AUTH);
  }
  return pass('api key', `${maskSecret(found.key)} from ${found.source}`);
}
