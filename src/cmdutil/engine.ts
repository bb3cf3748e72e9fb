import { readConfigFile, type ConfigFile } from '../config/config-file.js';
import { configDir } from '../config/paths.js';
import { createEngine } from '../engine/client.js';
import type { SparkStyle } from '../engine/types.js';
import type { ConnectionFlags } from './connection-flags.js';
import { resolveConnection, type ConnectionTarget } from './connection.js';
import type { CommandContext } from './context.js';
import { chooseLedger } from './ledger-choice.js';
import { leaseDuration } from '../ledger/lease.js';
import type { IO } from '../terminal/io.js';

export interface CommandEngine {
  readonly client: SparkStyle;
  readonly target: ConnectionTarget;
  /** Verbose request lines go here; a run points it at its reporter, so they do not tear the spinner. */
  log: (line: string) => void;
}

interface EngineForOptions {
  /** false: no config file (commands that only look, such as history). */
  readonly readConfig?: boolean;
  /** The config, already read another way (doctor reads it without conf, which would write). */
  readonly config?: Pick<ConfigFile, 'get'>;
  /** false: a base URL sent in the clear (--insecure) is not warned about (doctor reports on the URL instead). */
  readonly baseUrlWarnings?: boolean;
}

/**
 * The library client a command works through: the connection flags, the environment and the
 * config file resolved as the CLI always has (the key registered as a secret of the IO), the
 * command's clock, and its way to connect (which tests replace).
 */
export async function engineFor(context: CommandContext, flags: ConnectionFlags, options: EngineForOptions = {}): Promise<CommandEngine> {
  // Commands that only look (history) leave the config folder as it is: reading it creates a missing one.
  const config = options.config ?? (options.readConfig === false ? { get: () => undefined } : await readConfigFile(context.env));
  const target = resolveConnection(flags, config, options.baseUrlWarnings === false ? withoutWarnings(context.io) : context.io);
  const text = (key: 'default-style' | 'out-dir' | 'name-template') => {
    const value = config.get(key);
    return typeof value === 'string' ? value : undefined;
  };
  const concurrency = config.get('concurrency');
  // The config's `ledger` from the file just read, not read again (history reads none: chooseLedger looks itself).
  const chosen = chooseLedger(context.ledger, context.io, options.config || options.readConfig !== false ? config : undefined);
  const engine: CommandEngine = {
    target,
    log: (line) => context.io.info(line),
    client: createEngine(
      {
        clock: context.clock,
        stateDir: configDir(context.env),
        // --ledger, SPARK_STYLE_LEDGER or the config's `ledger` (its password becomes a secret of the IO).
        ledger: chosen.chosen ? chosen.location : undefined,
        leaseMs: leaseDuration(context.env),
        log: context.verbose ? (line) => engine.log(line) : undefined,
      },
      {
        target,
        connect: (connectTo, options) => context.connect(connectTo, options),
        defaults: {
          style: text('default-style'),
          outDir: text('out-dir'),
          nameTemplate: text('name-template'),
          concurrency: typeof concurrency === 'number' ? concurrency : undefined,
        },
      },
    ),
  };
  return engine;
}

/** The IO as connection resolving uses it, with its warnings dropped. */
function withoutWarnings(io: IO): Pick<IO, 'env' | 'addSecret' | 'info' | 'colorEnabled'> {
  return { env: io.env, colorEnabled: io.colorEnabled, addSecret: (secret) => io.addSecret(secret), info: () => undefined };
}
