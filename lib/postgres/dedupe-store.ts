import { randomUUID } from 'node:crypto';
import { checkKeys } from '../check-keys';
import {
  checkDuration,
  DEFAULT_TTL_MS,
  type ClaimOptions,
  type ClaimResult,
  type DedupeStore,
  type ReleaseDetails,
} from '../dedupe/dedupe-store';
import { readEvents, type LedgerQuery, type LedgerRecord } from './ledger';
import { migrate } from './migrate';
import { checkPool, queryWithin, type PostgresPoolLike, type PostgresResultLike } from './pool';
import { pruneEvents } from './prune';
import { checkSchema, tableNames } from './schema-sql';

/**
 * Options of {@link PostgresDedupeStore}.
 *
 * @example
 * new PostgresDedupeStore(pool, { schema: 'webhooks', keepBody: true });
 */
export interface PostgresDedupeStoreOptions {
  /** The schema that holds the tables. Default `'public'`. */
  schema?: string | undefined;
  /** How long a claim lives without its holder finishing. Default: what the middleware asks. */
  leaseMs?: number | undefined;
  /** How long a processed event answers duplicate, and the ledger's retention. Default 25 hours. */
  keepDoneMs?: number | undefined;
  /** Keep each event's body in the ledger. Default false: orders carry shoppers' addresses. */
  keepBody?: boolean | undefined;
  /** Longest wait for one statement, a connection included, before answering 503. Default 2000 ms. */
  queryTimeoutMs?: number | undefined;
}

const OPTIONS = ['schema', 'leaseMs', 'keepDoneMs', 'keepBody', 'queryTimeoutMs'];

/** The claim: one statement that inserts the event, or takes a failed or expired one over. */
function claimSql(events: string): string {
  return `WITH taken AS (
  INSERT INTO ${events} AS e (event_id, source_event_id, type, order_id, bag_id, entity_id,
    state, token, lease_until, attempts, received_at, body)
  VALUES ($1, $2, $3, $4, $5, $6, 'claimed', $7, now() + $8::bigint * interval '1 millisecond',
    1, now(), $9)
  ON CONFLICT (event_id) DO UPDATE SET state = 'claimed', token = EXCLUDED.token,
    lease_until = EXCLUDED.lease_until, attempts = e.attempts + 1, done_at = NULL,
    body = COALESCE(EXCLUDED.body, e.body)
  WHERE e.state = 'failed'
    OR (e.state = 'claimed' AND e.lease_until <= now())
    OR (e.state = 'done' AND e.done_at <= now() - $10::bigint * interval '1 millisecond')
  RETURNING 1
)
SELECT 'new' AS state FROM taken
UNION ALL
SELECT state FROM ${events} WHERE event_id = $1 AND NOT EXISTS (SELECT 1 FROM taken)`;
}

/**
 * A {@link DedupeStore} in the app's own Postgres, whose rows are also a ledger of every event
 * received: one atomic statement per step (claim, complete, release), correct across any number
 * of instances; a claim expires after its lease, a processed event answers duplicate for
 * `keepDoneMs`. Its tables are created by `migrate()` or the app's migrations
 * ({@link postgresSchemaSql}), never behind the app's back. When Postgres cannot be reached, every
 * step rejects within `queryTimeoutMs`, so the middleware answers 503 and Violet retries.
 *
 * @example
 * import pg from 'pg';
 * import { PostgresDedupeStore } from 'express-violet-webhooks/postgres';
 * const store = new PostgresDedupeStore(new pg.Pool({ connectionString: process.env.DATABASE_URL }));
 * await store.migrate();
 * const violet = violetWebhooks({ secret, dedupe: store });
 */
export class PostgresDedupeStore implements DedupeStore {
  /** The schema that holds the tables. */
  readonly schema: string;
  private readonly table: string;
  private readonly leaseMs: number | undefined;
  private readonly keepDoneMs: number;
  private readonly keepBody: boolean;
  private readonly timeoutMs: number;
  private readonly claimText: string;
  private readonly completeText: string;
  private readonly releaseText: string;

  constructor(
    private readonly pool: PostgresPoolLike,
    options: PostgresDedupeStoreOptions = {},
  ) {
    checkPool('PostgresDedupeStore', pool);
    checkKeys('PostgresDedupeStore', options, OPTIONS);
    this.schema = checkSchema('PostgresDedupeStore', options.schema);
    this.table = tableNames(this.schema).events;
    this.leaseMs = checkDuration('PostgresDedupeStore leaseMs', options.leaseMs);
    this.keepDoneMs =
      checkDuration('PostgresDedupeStore keepDoneMs', options.keepDoneMs) ?? DEFAULT_TTL_MS;
    if (options.keepBody !== undefined && typeof options.keepBody !== 'boolean') {
      throw new TypeError(
        'express-violet-webhooks: PostgresDedupeStore keepBody must be a boolean',
      );
    }
    this.keepBody = options.keepBody ?? false;
    this.timeoutMs =
      checkDuration('PostgresDedupeStore queryTimeoutMs', options.queryTimeoutMs) ?? 2000;
    this.claimText = claimSql(this.table);
    this.completeText = `UPDATE ${this.table} SET state = 'done', done_at = now(), token = NULL,
  lease_until = NULL WHERE event_id = $1 AND token = $2`;
    this.releaseText = `UPDATE ${this.table} SET state = 'failed', token = NULL, lease_until = NULL,
  last_error = $3 WHERE event_id = $1 AND token = $2`;
  }

  async claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
    const token = randomUUID();
    const e = options.event;
    const { rows } = await this.run(this.claimText, [
      eventId,
      e?.sourceEventId ?? null,
      e?.type ?? 'unknown',
      e?.orderId ?? null,
      e?.bagId ?? null,
      e?.entityId ?? null,
      token,
      this.leaseMs ?? options.leaseMs,
      this.keepBody ? (e?.body ?? null) : null,
      this.keepDoneMs,
    ]);
    const state = (rows[0] as { state?: string } | undefined)?.state;
    if (state === 'new') return { state: 'new', token };
    // Not taken: done, or held by another delivery (also when the row was written by a statement
    // that committed while this one ran, and is not in its snapshot).
    return state === 'done' ? { state: 'done' } : { state: 'in-flight' };
  }

  async complete(eventId: string, token: string): Promise<void> {
    await this.run(this.completeText, [eventId, token]);
  }

  async release(eventId: string, token: string, details?: ReleaseDetails): Promise<void> {
    await this.run(this.releaseText, [eventId, token, details?.error ?? null]);
  }

  /** Creates the tables, if they are not there yet (idempotent). */
  migrate(): Promise<void> {
    return migrate(this.pool, this.schema);
  }

  /**
   * The ledger's records, newest first.
   *
   * @example
   * const failed = await store.events({ state: 'failed', since: new Date(Date.now() - 86_400_000) });
   */
  events(query: LedgerQuery = {}): Promise<LedgerRecord[]> {
    return readEvents(this.pool, this.schema, query);
  }

  /**
   * Deletes what is older than the retention (`keepDoneMs`), a batch at a time; resolves to the
   * number of rows deleted. Live claims are kept.
   */
  prune(): Promise<number> {
    return pruneEvents(this.pool, this.schema, this.keepDoneMs);
  }

  private run(text: string, values: unknown[]): Promise<PostgresResultLike> {
    return queryWithin(this.pool, this.timeoutMs, this.schema, text, values);
  }
}
