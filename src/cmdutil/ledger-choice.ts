import { type ConfigFile, peekConfigFile } from '../config/config-file.js';
import { ledgerPath } from '../config/paths.js';
import { urlPassword } from '../core/secrets.js';
import type { IO } from '../terminal/io.js';

/** Where the ledger is: a postgres:// URL a fleet shares, or a SQLite file. */
export interface LedgerChoice {
  readonly location: string;
  /** --ledger, SPARK_STYLE_LEDGER or the config set it; false: the ledger.db beside the config. */
  readonly chosen: boolean;
}

/**
 * --ledger, else SPARK_STYLE_LEDGER, else the config's `ledger`, else ledger.db beside the
 * config (the same order as the base URL's). The URL's password becomes a secret of the run:
 * redacted from every line printed from here on.
 */
export function chooseLedger(flag: string | undefined, io: Pick<IO, 'env' | 'addSecret'>, config?: Pick<ConfigFile, 'get'>): LedgerChoice {
  const location = flag ?? (io.env.SPARK_STYLE_LEDGER || undefined) ?? configuredLedger(io.env, config);
  if (location === undefined) return { location: ledgerPath(io.env), chosen: false };
  const password = urlPassword(location);
  if (password) io.addSecret(password);
  return { location, chosen: true };
}

/**
 * The config's `ledger`: from the config already read (checked) when there is one, else read here
 * without creating anything (history and doctor must not), and only from a private file.
 */
function configuredLedger(env: NodeJS.ProcessEnv, config: Pick<ConfigFile, 'get'> | undefined): string | undefined {
  try {
    const value: unknown = config ? config.get('ledger') : peekConfigFile(env).ledger;
    return typeof value === 'string' && value !== '' ? value : undefined;
  } catch {
    return undefined;
  }
}
