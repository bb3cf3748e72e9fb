import { readConfigFile, resolveApiKey } from '../config/config-file.js';

/**
 * The key the engine will send (the environment's, else the config file's), for a command to
 * keep out of everything it prints or answers: a hostile service can echo it in a message.
 */
export async function keyToHide(env: NodeJS.ProcessEnv): Promise<string | null> {
  const fromEnv = resolveApiKey(undefined, env, undefined);
  // The config file only when the environment has no key: the environment wins anyway.
  if (fromEnv) return fromEnv.key;
  const config = await readConfigFile(env).catch(() => undefined);
  return resolveApiKey(undefined, env, config)?.key ?? null;
}
