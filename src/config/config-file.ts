import { closeSync, constants, existsSync, readFileSync } from 'node:fs';
import { chmod } from 'node:fs/promises';
import { ensureFolderOrUsageError } from '../core/make-folder.js';
import { isAbsolute, join, resolve } from 'node:path';
import { DEFAULT_BASE_URL } from '../api/base-url.js';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from '../core/defaults.js';
import { UsageError } from '../core/errors.js';
import { shellQuote } from '../core/shell-quote.js';
import { resolveStyle } from '../catalog/styles.js';
import { maskSecret, urlWithoutPassword } from '../core/secrets.js';
import { DEFAULT_NAME_TEMPLATE, parseNameTemplate } from '../naming/template.js';
import { configDir } from './paths.js';
import { assertPrivateStateDir, openPrivateStateFile } from './trust.js';

export const CONFIG_KEYS = ['api-key', 'base-url', 'default-style', 'out-dir', 'concurrency', 'name-template', 'ledger'] as const;
export type ConfigKey = (typeof CONFIG_KEYS)[number];
export type ConfigValues = Partial<Record<ConfigKey, string | number>>;

export function isConfigKey(key: string): key is ConfigKey {
  return (CONFIG_KEYS as readonly string[]).includes(key);
}

/** A URL as text with anything between "://" and "@" masked: a stored one may predate the check above. */
function redactUrlText(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1***@');
}

/** Checks and normalizes a value before it is stored, so a bad config never surprises a later run. */
export function normalizeConfigValue(key: ConfigKey, raw: string): string | number {
  const value = raw.trim();
  if (value === '') throw new UsageError(`config ${key} cannot be empty; use \`spark-style config unset ${key}\``);
  switch (key) {
    case 'api-key':
      if (/\s/.test(value)) throw new UsageError('config api-key: an API key has no spaces');
      return value;
    case 'base-url': {
      let url: URL;
      try {
        url = new URL(value);
      } catch {
        throw new UsageError(`config base-url: "${redactUrlText(value)}" is not a URL`);
      }
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError('config base-url: only http(s) URLs');
      // Refused when used (api/base-url.ts), so refused when set: else `config list` shows the password.
      if (url.username || url.password) throw new UsageError('config base-url: a base URL must not carry a user name or password');
      return value.replace(/\/+$/, '');
    }
    case 'default-style':
      return resolveStyle(value).alias;
    case 'out-dir':
      return isAbsolute(value) ? value : resolve(value);
    case 'concurrency': {
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < 1 || parsed > MAX_CONCURRENCY) {
        throw new UsageError(`config concurrency: must be a whole number from 1 to ${MAX_CONCURRENCY}`);
      }
      return parsed;
    }
    case 'name-template':
      return parseNameTemplate(value).source;
    case 'ledger':
      return normalizeLedgerValue(value);
  }
}

/** A shared ledger's URL (postgres://...), or the path of a ledger file. */
function normalizeLedgerValue(value: string): string {
  if (/^postgres(ql)?:\/\//i.test(value)) {
    try {
      new URL(value);
    } catch {
      throw new UsageError(`config ledger: "${urlWithoutPassword(value)}" is not a URL`);
    }
    return value;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new UsageError('config ledger: only postgres:// URLs (or the path of a ledger file)');
  return isAbsolute(value) ? value : resolve(value);
}

/** How a value is shown: the key masked, a ledger URL without its password, everything else as stored. */
export function displayConfigValue(key: ConfigKey, value: string | number | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (key === 'api-key') return maskSecret(String(value));
  if (key === 'ledger') return urlWithoutPassword(String(value));
  return key === 'base-url' ? redactUrlText(String(value)) : String(value);
}

/** What a run uses when a key is not set anywhere; keys without one are left to the command (no style: stylize asks for --style). */
const CONFIG_DEFAULTS: Partial<Record<ConfigKey, string | number>> = {
  'base-url': DEFAULT_BASE_URL,
  concurrency: DEFAULT_CONCURRENCY,
  'name-template': DEFAULT_NAME_TEMPLATE,
};

/** Why a key without a value has none, for `config list` and `config get`. */
const UNSET_MEANS: Partial<Record<ConfigKey, string>> = {
  'api-key': 'runs need one: config set api-key -, or try --offline',
  'default-style': 'stylize needs --style',
  'out-dir': 'results go beside each input',
  ledger: 'the ledger.db file beside this config',
};

/** Where the value a run would use comes from. */
type ValueSource = 'config' | 'default' | 'SPARK_STYLE_BASE_URL' | Exclude<KeySource, '--api-key' | 'config'>;

export interface EffectiveValue {
  /** As shown (the key masked); null when nothing sets it. */
  readonly shown: string | null;
  readonly source: ValueSource | null;
  /** For an unset key with no default: what that means for a run. */
  readonly unsetMeans?: string;
}

/**
 * The value a run would use for a key without flags, and where it comes from: the environment
 * (which wins over the file, as in connection.ts and resolveApiKey), the config file, or the default.
 */
export function effectiveConfigValue(key: ConfigKey, config: Pick<ConfigFile, 'get'>, env: NodeJS.ProcessEnv): EffectiveValue {
  if (key === 'api-key') {
    const found = resolveApiKey(undefined, env, config);
    if (found) return { shown: displayConfigValue(key, found.key)!, source: found.source === '--api-key' ? 'config' : found.source };
  } else if (key === 'base-url' && env.SPARK_STYLE_BASE_URL) {
    return { shown: displayConfigValue(key, env.SPARK_STYLE_BASE_URL)!, source: 'SPARK_STYLE_BASE_URL' };
  } else {
    const stored = config.get(key);
    if (stored !== undefined) return { shown: displayConfigValue(key, stored)!, source: 'config' };
  }
  const fallback = CONFIG_DEFAULTS[key];
  if (fallback !== undefined) return { shown: String(fallback), source: 'default' };
  return { shown: null, source: null, unsetMeans: UNSET_MEANS[key] };
}

/** "(default)", "(config)", "(environment: SPARK_STYLE_BASE_URL)" */
export function describeSource(value: EffectiveValue): string {
  if (value.source === null) return value.unsetMeans ? `(not set: ${value.unsetMeans})` : '(not set)';
  return value.source === 'config' || value.source === 'default' ? `(${value.source})` : `(environment: ${value.source})`;
}

/** The config file as a run reads it. */
export interface ConfigReader {
  readonly path: string;
  get(key: ConfigKey): string | number | undefined;
  all(): ConfigValues;
}

export interface ConfigFile extends ConfigReader {
  set(key: ConfigKey, value: string | number): void;
  unset(key: ConfigKey): void;
}

/** The config folder, made private when it is new, and refused when others could write to it. */
async function privateConfigFolder(env: NodeJS.ProcessEnv): Promise<string> {
  const directory = configDir(env);
  await ensureFolderOrUsageError(directory, { mode: 0o700, hint: 'set SPARK_STYLE_CONFIG_DIR to a folder you can write', beforePaying: false });
  assertPrivateStateDir(directory);
  return directory;
}

/**
 * The config file for reading, checked and parsed here without conf: nearly every command
 * only reads it, and conf with the schema validator it loads (ajv) cost a run about a third of
 * its start-up. conf loads for `config set` and `config unset` only (openConfigFile).
 */
export async function readConfigFile(env: NodeJS.ProcessEnv): Promise<ConfigReader> {
  const path = join(await privateConfigFolder(env), 'config.json');
  const found = checkConfigFile(path);
  // An older file keeps a looser mode until fixed: it may hold the API key.
  if (found) await chmod(path, 0o600).catch(() => undefined);
  const values = found ?? {};
  return { path, get: (key) => values[key], all: () => ({ ...values }) };
}

/**
 * The config file's values without creating anything (history and doctor only look): {} when
 * the folder or the file does not exist; the same refusals as readConfigFile otherwise.
 */
export function peekConfigFile(env: NodeJS.ProcessEnv): ConfigValues {
  const directory = configDir(env);
  if (!existsSync(directory)) return {};
  assertPrivateStateDir(directory);
  return checkConfigFile(join(directory, 'config.json')) ?? {};
}

/** The config file, through conf, written with mode 0600 since it may hold the API key. */
export async function openConfigFile(env: NodeJS.ProcessEnv): Promise<ConfigFile> {
  const { default: Conf } = await import('conf');
  const directory = await privateConfigFolder(env);
  checkConfigFile(join(directory, 'config.json'));
  const store = new Conf<ConfigValues>({
    cwd: directory,
    configName: 'config',
    configFileMode: 0o600,
    projectSuffix: '',
  });
  // conf applies the mode when it creates the file; an older file keeps its mode unless we fix it.
  const tighten = async () => chmod(store.path, 0o600).catch(() => undefined);
  await tighten();
  return {
    path: store.path,
    get: (key) => store.get(key),
    set: (key, value) => store.set(key, value),
    unset: (key) => store.delete(key),
    all: () => ({ ...store.store }),
  };
}

/**
 * The config file, read once before conf does: not a link, not writable by others, and
 * JSON we can use. A corrupt file is named with the way out, instead of conf's bare
 * "Unexpected end of JSON input" on every command. Its values; null when there is no file.
 */
function checkConfigFile(path: string): ConfigValues | null {
  let text: string;
  try {
    const fd = openPrivateStateFile(path, constants.O_RDONLY);
    try {
      text = readFileSync(fd, 'utf8');
    } finally {
      closeSync(fd);
    }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  let problem: string | null = null;
  let values: ConfigValues = {};
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) problem = 'it is not a JSON object';
    else values = value as ConfigValues;
  } catch (error) {
    problem = text.trim() === '' ? 'it is empty' : `it is not valid JSON (${(error as Error).message.split('\n')[0]})`;
  }
  if (problem) {
    throw new UsageError(`cannot read the config file ${path}: ${problem}`, {
      code: 'corrupt-config',
      hint: `fix it in an editor, or move it away (mv ${shellQuote(path)} ${shellQuote(`${path}.broken`)}) and set your values again with spark-style config set`,
    });
  }
  return values;
}

export type KeySource = '--api-key' | 'SPARK_STYLE_API_KEY' | 'VTRIX_API_KEY' | 'config';

/** The API key, by precedence: flag, SPARK_STYLE_API_KEY, VTRIX_API_KEY, then the config file. */
export function resolveApiKey(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  config: Pick<ConfigFile, 'get'> | undefined,
): { key: string; source: KeySource } | undefined {
  if (flag) return { key: flag, source: '--api-key' };
  if (env.SPARK_STYLE_API_KEY) return { key: env.SPARK_STYLE_API_KEY, source: 'SPARK_STYLE_API_KEY' };
  if (env.VTRIX_API_KEY) return { key: env.VTRIX_API_KEY, source: 'VTRIX_API_KEY' };
  const stored = config?.get('api-key');
  if (typeof stored === 'string' && stored) return { key: stored, source: 'config' };
  return undefined;
}
