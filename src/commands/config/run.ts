import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { UsageError } from '../../core/errors.js';
import { configFilePath } from '../../config/paths.js';
import {
  CONFIG_KEYS,
  describeSource,
  displayConfigValue,
  effectiveConfigValue,
  isConfigKey,
  normalizeConfigValue,
  openConfigFile,
  type ConfigReader,
  readConfigFile,
  resolveApiKey,
  type ConfigKey,
} from '../../config/config-file.js';
import { readAllStdin } from '../../terminal/stdin.js';

export async function runConfig(action: string, args: string[], options: { json?: boolean }, { io, env }: CommandContext): Promise<number> {
  if (action === 'path') {
    io.print(configFilePath(env));
    return ExitCode.OK;
  }
  // Only a change loads conf (it writes atomically, mode 0600); looking reads the file as a run does.
  switch (action) {
    case 'set': {
      const config = await openConfigFile(env);
      const key = checkedKey(args[0]!);
      let raw = args[1]!;
      if (raw === '-') raw = (await readAllStdin(io.stdin)).trim();
      config.set(key, normalizeConfigValue(key, raw));
      io.info(`${key} saved to ${config.path}${key === 'api-key' ? ` (${displayConfigValue(key, raw.trim())})` : ''}`);
      // The key was typed on the command line: the shell keeps it in its history file.
      if (key === 'api-key' && args[1] !== '-')
        io.info('warning: the key is now in your shell\'s history too; next time pipe it in: printf %s "$KEY" | spark-style config set api-key -');
      return ExitCode.OK;
    }
    case 'get': {
      const config = await readConfigFile(env);
      const key = checkedKey(args[0]!);
      // The value a run would use: a default is a value too (exit 0); only "nothing at all" is exit 1.
      const effective = effectiveConfigValue(key, config, env);
      if (options.json) io.print(JSON.stringify({ key, value: effective.shown, source: effective.source }));
      else if (effective.shown === null) {
        io.info(`${key} is not set${effective.unsetMeans ? ` (no default: ${effective.unsetMeans})` : ''}`);
        return ExitCode.ITEM_FAILED;
      } else {
        io.print(effective.shown);
        if (effective.source !== 'config') io.info(`${key} is not set in the config file; this is the value in effect ${describeSource(effective)}`);
      }
      return effective.shown === null ? ExitCode.ITEM_FAILED : ExitCode.OK;
    }
    case 'unset': {
      const config = await openConfigFile(env);
      const key = checkedKey(args[0]!);
      config.unset(key);
      io.info(`${key} removed`);
      return ExitCode.OK;
    }
    case 'list':
      return listConfig(await readConfigFile(env), options, io, env);
    default:
      throw new UsageError(`unknown config action "${action}"`);
  }
}

function checkedKey(key: string): ConfigKey {
  if (!isConfigKey(key)) throw new UsageError(`unknown config key "${key}"; keys: ${CONFIG_KEYS.join(', ')}`);
  return key;
}

/** Every key with the value a run would use, and where it comes from. */
function listConfig(config: ConfigReader, options: { json?: boolean }, io: CommandContext['io'], env: CommandContext['env']): number {
  const values = config.all();
  const keySource = resolveApiKey(undefined, env, config)?.source ?? null;
  if (options.json) {
    const shown = Object.fromEntries(CONFIG_KEYS.map((key) => [key, displayConfigValue(key, values[key]) ?? null]));
    const effective = Object.fromEntries(
      CONFIG_KEYS.map((key) => [key, (({ shown: value, source }) => ({ value, source }))(effectiveConfigValue(key, config, env))]),
    );
    io.print(JSON.stringify({ path: config.path, values: shown, effective, api_key_source: keySource }));
  } else {
    // The value each key has for a run, and where it comes from: "concurrency  4  (default)".
    const rows = CONFIG_KEYS.map((key) => ({ key, value: effectiveConfigValue(key, config, env) }));
    const width = Math.max(...rows.map((row) => (row.value.shown ?? '').length));
    for (const { key, value } of rows)
      io.print(`${key.padEnd(14)} ${value.shown === null ? describeSource(value) : `${value.shown.padEnd(width)}  ${describeSource(value)}`}`);
    io.info(`file: ${config.path}${keySource ? `; the API key in use comes from ${keySource}` : '; no API key found'}`);
  }
  return ExitCode.OK;
}
