import type { Command } from 'commander';

/** The flags that say where requests go and with which key (connection.ts resolves them). */
export interface ConnectionFlags {
  apiKey?: string;
  baseUrl?: string;
  insecure?: boolean;
  /** Only commands that offer it (stylize): the built-in emulator instead of the API. */
  offline?: boolean;
}

/**
 * Declares the connection flags, the same for every command that talks to the API. --verbose
 * is the program's own option (cli/main.ts): every command accepts it and lists it under
 * "Global Options".
 */
export function addConnectionOptions(command: Command): Command {
  return command
    .option('--api-key <key>', 'API key (else SPARK_STYLE_API_KEY, VTRIX_API_KEY, config)')
    .option('--base-url <url>', 'API base URL (else SPARK_STYLE_BASE_URL, config, https://cloud.vtrix.ai)')
    .option('--insecure', 'allow a plain-http base URL that is not loopback (the key travels unencrypted)');
}
