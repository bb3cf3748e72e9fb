import { existsSync, readFileSync } from 'node:fs';
import type { ConfigFile, ConfigValues } from '../config/config-file.js';
import { configDir, configFilePath } from '../config/paths.js';
import { assertPrivateStateDir } from '../config/trust.js';

/**
 * The config as doctor reads it: plain JSON, without conf (which would create the folder or
 * rewrite the file), and only from a folder that is private. Nothing (no key, no base URL) when
 * the folder is not private or the file is broken: doctor reports both, and a planted config
 * must not choose where a key is sent.
 */
export function configWithoutWriting(env: NodeJS.ProcessEnv): Pick<ConfigFile, 'get'> {
  let values: ConfigValues = {};
  try {
    const dir = configDir(env);
    if (existsSync(dir)) assertPrivateStateDir(dir);
    const path = configFilePath(env);
    const read = existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as unknown) : {};
    if (read && typeof read === 'object' && !Array.isArray(read)) values = read as ConfigValues;
  } catch {
    values = {};
  }
  return { get: (key) => values[key] };
}
