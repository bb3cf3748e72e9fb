import { type ConfigFile, type ConfigValues, peekConfigFile } from '../config/config-file.js';

/**
 * The config as doctor reads it: without conf (which would create the folder or rewrite the
 * file), and only from a private folder and a private file that is not a link. Nothing (no
 * key, no base URL) when either is not private or the file is broken: doctor reports both, and
 * a planted config must not choose where a key is sent.
 */
export function configWithoutWriting(env: NodeJS.ProcessEnv): Pick<ConfigFile, 'get'> {
  let values: ConfigValues = {};
  try {
    values = peekConfigFile(env);
  } catch {
    values = {};
  }
  return { get: (key) => values[key] };
}
