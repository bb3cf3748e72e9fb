import type { Clock } from '../../core/clock.js';
import { redact, urlPassword, urlWithoutPassword } from '../../core/secrets.js';
import { ExitCode } from '../../core/exit-codes.js';
import { taskChecks } from './local-checks.js';
import { fail, pass, type CheckResult } from './verdicts.js';

/**
 * A shared ledger (postgres://): reachable, its tables current (or not made yet: the first run
 * makes them), and this user allowed to write, tried in a transaction that is rolled back. No
 * task is created, no table either.
 */
export async function checkSharedLedger(url: string, clock: Clock): Promise<CheckResult[]> {
  const shown = urlWithoutPassword(url);
  const hint = 'check the URL (--ledger, SPARK_STYLE_LEDGER or config ledger), that the database is up and reachable, and the password';
  let facts;
  try {
    const { probeSharedLedger } = await import('../../ledger/postgres/pg-probe.js');
    facts = await probeSharedLedger(url, clock.now());
  } catch (error) {
    const reason = redact((error as Error).message || String(error), urlPassword(url) ?? undefined);
    return [fail('shared ledger', `${shown} cannot be reached: ${reason}`, hint, ExitCode.NETWORK)];
  }
  const results: CheckResult[] = [pass('shared ledger', `${shown} (PostgreSQL ${facts.server})`)];
  if (facts.version === 0) results.push(pass('ledger schema', `not created yet: the first run creates it (version ${facts.current})`));
  else if (facts.version < facts.current) results.push(pass('ledger schema', `version ${facts.version}: the next run upgrades it to ${facts.current}`));
  else if (facts.version > facts.current) {
    results.push(
      fail('ledger schema', `version ${facts.version} is newer than this spark-style knows (${facts.current})`, 'upgrade spark-style on this machine'),
    );
  } else results.push(pass('ledger schema', `version ${facts.version} (current)`));
  if (facts.cannotWrite !== null) {
    const reason = redact(facts.cannotWrite, urlPassword(url) ?? undefined);
    results.push(
      fail('ledger writes', `this user cannot write: ${reason}`, 'grant the user INSERT, UPDATE, DELETE (and CREATE for the first run) on the database'),
    );
  } else results.push(pass('ledger writes', 'allowed (tried in a transaction that was rolled back)'));
  return facts.counts ? [...results, ...taskChecks(facts.counts)] : results;
}
