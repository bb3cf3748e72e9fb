import type { CommandContext } from '../../cmdutil/context.js';
import { ExitCode } from '../../cmdutil/exit-codes.js';
import { UsageError } from '../../core/errors.js';
import { configFilePath } from '../../config/paths.js';
import {
  CONFIG_KEYS,
  displayConfigValue,
  isConfigKey,
  normalizeConfigValue,
  openConfigFile,
  resolveApiKey,
  type ConfigKey,
} from '../../config/config-file.js';
import { readAllStdin } from '../../terminal/stdin.js';

export async function runConfig(action: string, args: string[], options: { json?: boolean }, { io, env }: CommandContext): Promise<number> {
  if (action === 'path') {
    io.print(configFilePath(env));
    return ExitCode.OK;
  }
  const config = await openConfigFile(env);
  switch (action) {
    case 'set': {
      const key = checkedKey(args[0]!);
      let raw = args[1]!;
      if (raw === '-') raw = (await readAllStdin(io.stdin)).trim();
      config.set(key, normalizeConfigValue(key, raw));
      io.info(`${key} saved to ${config.path}` + (key === 'api-key' ? ` (${displayConfigValue(key, raw.trim())})` : ''));
      return ExitCode.OK;
    }
    case 'get': {
      const key = checkedKey(args[0]!);
      const shown = displayConfigValue(key, config.get(key));
      if (options.json) io.print(JSON.stringify({ key, value: shown ?? null }));
      else if (shown === undefined) {
        io.info(`${key} is not set`);
        return ExitCode.ITEM_FAILED;
      } else io.print(shown);
      return ExitCode.OK;
    }
    case 'unset': {
      const key = checkedKey(args[0]!);
      config.unset(key);
      io.info(`${key} removed`);
      return ExitCode.OK;
    }
    case 'list': {
      const values = config.all();
      const keySource = resolveApiKey(undefined, env, config)?.source ?? null;
      if (options.json) {
        const shown = Object.fromEntries(CONFIG_KEYS.map((key) => [key, displayConfigValue(key, values[key]) ?? null]));
        io.print(JSON.stringify({ path: config.path, values: shown, api_key_source: keySource }));
      } else {
        for (const key of CONFIG_KEYS) io.print(`${key.padEnd(14)}${displayConfigValue(key, values[key]) ?? '(not set)'}`);
        io.info(`file: ${config.path}` + (keySource ? `; the API key in use comes from ${keySource}` : '; no API key found'));
      }
      return ExitCode.OK;
    }
    default:
      throw new UsageError(`unknown config action "${action}"`);
  }
}

function checkedKey(key: string): ConfigKey {
  if (!isConfigKey(key)) throw new UsageError(`unknown config key "${key}"; keys: ${CONFIG_KEYS.join(', ')}`);
  return key;
}
