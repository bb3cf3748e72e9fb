/**
 * Defaults and limits that users see (in --help, the README, error messages), each written
 * once. Constants only: both the flag definitions in the startup bundle and the commands read
 * this module (build.mjs, SHARED_ALLOWLIST).
 */

/** --timeout: how long a command waits for one task, as typed on the command line (with its unit, as doctor's "10s"). */
export const DEFAULT_TIMEOUT = '600s';

/** Tasks in flight at once: --concurrency, and the `concurrency` config key. */
export const DEFAULT_CONCURRENCY = 4;
export const MAX_CONCURRENCY = 32;
