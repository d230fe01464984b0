import { explain, type PostgresPoolLike } from './pool';
import { tableNames } from './schema-sql';

/** Rows deleted per statement: short statements, short locks, on a table of millions. */
const BATCH = 10_000;

/**
 * Deletes the ledger's rows older than `keepMs` (received and, when done, done before then), a
 * batch at a time, live claims excepted. Resolves to the number of rows deleted.
 */
export async function pruneEvents(
  pool: PostgresPoolLike,
  schema: string,
  keepMs: number,
): Promise<number> {
  const { events } = tableNames(schema);
  const text = `DELETE FROM ${events} WHERE event_id IN (
  SELECT event_id FROM ${events}
  WHERE received_at < now() - $1::bigint * interval '1 millisecond'
    AND COALESCE(done_at, received_at) < now() - $1::bigint * interval '1 millisecond'
    AND (state <> 'claimed' OR lease_until <= now())
  LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`;
  let deleted = 0;
  for (;;) {
    let count: number;
    try {
      count = (await pool.query(text, [keepMs])).rowCount ?? 0;
    } catch (error) {
      throw explain(error, schema);
    }
    deleted += count;
    if (count < BATCH) return deleted;
  }
}
