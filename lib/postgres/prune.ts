import { explain, type PostgresPoolLike } from './pool';
import { tableNames } from './schema-sql';

/** Rows deleted per statement: short statements, short locks, on a table of millions. */
const BATCH = 10_000;

/** Runs the DELETE `text` of at most BATCH rows until it deletes fewer; resolves to the total. */
async function inBatches(
  pool: PostgresPoolLike,
  schema: string,
  text: string,
  keepMs: number,
): Promise<number> {
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
  return inBatches(pool, schema, text, keepMs);
}

/** How long `inbox.prune()` keeps rows by default: 30 days. */
export const DEFAULT_INBOX_KEEP_MS = 30 * 86_400_000;

/**
 * Deletes the inbox's rows processed more than `keepMs` ago, a batch at a time. Resolves to the
 * number of rows deleted.
 */
export async function pruneInbox(
  pool: PostgresPoolLike,
  schema: string,
  keepMs: number,
): Promise<number> {
  const { inbox } = tableNames(schema);
  const text = `DELETE FROM ${inbox} WHERE (event_key, scope) IN (
  SELECT event_key, scope FROM ${inbox}
  WHERE processed_at < now() - $1::bigint * interval '1 millisecond'
  LIMIT ${BATCH} FOR UPDATE SKIP LOCKED)`;
  return inBatches(pool, schema, text, keepMs);
}
