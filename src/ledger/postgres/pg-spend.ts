import type { Pool } from 'pg';
import type { SharedSpend, SpendAnswer } from '../ledger.js';

interface Totals {
  committed: string;
  spent: string;
  unpriced_open: string;
  unpriced_done: string;
  price: string | null;
}

/**
 * The fleet's --budget in PostgreSQL (see SharedSpend). A transaction-scoped advisory lock per
 * scope makes "add up what is committed, then reserve" one step for every worker; a task's row
 * holds its estimate until settled at its real cost. Rows of workers that died stay counted:
 * their tasks may have been paid for, and the budget errs on the side of spending less.
 * A price nobody knows yet (no task of the fleet ever reported a cost) lets one task go alone,
 * fleet-wide, to learn it; a task that completed without a usable cost ends all further creates.
 */
export class PgSpend implements SharedSpend {
  constructor(
    private readonly pool: Pool,
    private readonly workerId: string,
    private readonly now: () => number,
  ) {}

  async reserve(scope: string, style: string, estimateMicro: number | null, limitMicro: number): Promise<SpendAnswer> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 17))', [scope]);
      const totals = (
        await client.query<Totals>(
          `SELECT COALESCE(SUM(micro), 0) AS committed, COALESCE(SUM(micro) FILTER (WHERE settled), 0) AS spent,
              COUNT(*) FILTER (WHERE micro IS NULL AND NOT settled) AS unpriced_open, COUNT(*) FILTER (WHERE micro IS NULL AND settled) AS unpriced_done,
              (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY micro) FROM spark_spend
                 WHERE scope = $1 AND settled AND micro IS NOT NULL) AS price
             FROM spark_spend WHERE scope = $1`,
          [scope],
        )
      ).rows[0]!;
      const answer = decide(totals, estimateMicro, limitMicro);
      if (answer.kind === 'reserved') {
        const micro = estimateMicro ?? (totals.price === null ? null : Number(totals.price));
        const inserted = await client.query<{ id: string }>(
          'INSERT INTO spark_spend (scope, style, micro, worker, at) VALUES ($1, $2, $3, $4, $5) RETURNING id',
          [scope, style, micro, this.workerId, this.now()],
        );
        await client.query('COMMIT');
        return { kind: 'reserved', id: Number(inserted.rows[0]!.id) };
      }
      await client.query('COMMIT');
      return answer;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async settle(id: number, costMicro: number | null): Promise<void> {
    await this.pool.query('UPDATE spark_spend SET settled = TRUE, micro = COALESCE($2, micro) WHERE id = $1', [id, costMicro]);
  }

  async release(id: number): Promise<void> {
    await this.pool.query('DELETE FROM spark_spend WHERE id = $1', [id]);
  }
}

/** The rule, given the fleet's totals: reserve (id filled in by the caller), over, or wait. */
function decide(totals: Totals, estimateMicro: number | null, limitMicro: number): SpendAnswer {
  const committed = Number(totals.committed);
  const spent = Number(totals.spent);
  const price = estimateMicro ?? (totals.price === null ? null : Number(totals.price));
  if (price === null) {
    if (Number(totals.unpriced_done) > 0 || committed >= limitMicro) return { kind: 'over', committedMicro: committed };
    return Number(totals.unpriced_open) > 0 ? { kind: 'wait' } : { kind: 'reserved', id: 0 };
  }
  if (committed + price <= limitMicro) return { kind: 'reserved', id: 0 };
  if (spent + price > limitMicro) return { kind: 'over', committedMicro: committed };
  return { kind: 'wait' };
}
