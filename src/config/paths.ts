import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where the tool keeps its config and its state (the task ledger), side by side so that
 * SPARK_STYLE_CONFIG_DIR moves both: tests and users who need a separate profile set it.
 */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.SPARK_STYLE_CONFIG_DIR) return env.SPARK_STYLE_CONFIG_DIR;
  const base = env.XDG_CONFIG_HOME || join(homedir(), '.config');
  return join(base, 'spark-style');
}

export function configFilePath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'config.json');
}

/** The task ledger (SQLite), which replaced journal.jsonl in the same folder. */
export function ledgerPath(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'ledger.db');
}
