import { checkChoice, checkWholeNumber, optionError } from '../check-option';
import { explain, type PostgresPoolLike } from './pool';
import { tableNames } from './schema-sql';

/**
 * Where an event stands in the ledger: being processed, processed, or failed (a released claim,
 * which the next delivery may claim again).
 */
export type LedgerState = 'claimed' | 'done' | 'failed';

/**
 * What `store.events()` selects.
 *
 * @example
 * await store.events({ state: 'failed', type: 'ORDER_SHIPPED', since: new Date('2026-12-01'), limit: 20 });
 */
export interface LedgerQuery {
  state?: LedgerState | undefined;
  /** An event type, as the event's `type` (Violet's own spelling for a type the package does not know). */
  type?: string | undefined;
  /** Only events first received at or after this time. */
  since?: Date | undefined;
  /** At most this many records. Default 100. */
  limit?: number | undefined;
}

/**
 * One event of the ledger; absent values are `null`.
 *
 * @example
 * for (const r of await store.events({ state: 'failed' })) console.log(r.eventId, r.lastError);
 */
export interface LedgerRecord {
  readonly eventId: string;
  /** The original event of a copy resent through Violet's API. */
  readonly sourceEventId: string | null;
  readonly type: string;
  readonly orderId: number | null;
  readonly bagId: number | null;
  readonly entityId: string | null;
  readonly state: LedgerState;
  /** Claims taken: 1, plus one for each retry that processed it again. */
  readonly attempts: number;
  /** The error code of the last failed attempt (`LISTENER_FAILED`, ...). */
  readonly lastError: string | null;
  /** When the event was first received. */
  readonly receivedAt: Date;
  /** When it was processed. */
  readonly doneAt: Date | null;
  /** The body as received, with `keepBody: true` only. */
  readonly body: string | null;
  /** The snapshot's `date_last_modified`, the version `event.stale` compares; null without one. */
  readonly version: Date | null;
  /** `event.stale` as the claim found it; null when unknown. */
  readonly stale: boolean | null;
}

const STATES: readonly string[] = ['claimed', 'done', 'failed'];

interface Row {
  event_id: string;
  source_event_id: string | null;
  type: string;
  order_id: string | number | null;
  bag_id: string | number | null;
  entity_id: string | null;
  state: LedgerState;
  attempts: number;
  last_error: string | null;
  received_at: Date | string;
  done_at: Date | string | null;
  body: string | null;
  version: Date | string | null;
  stale: boolean | null;
}

function checkQuery(query: LedgerQuery): number {
  if (query.state !== undefined) checkChoice('events()', 'state', query.state, STATES);
  if (
    query.since !== undefined &&
    !(query.since instanceof Date && !isNaN(query.since.getTime()))
  ) {
    optionError('events()', 'since', 'must be a valid Date');
  }
  return checkWholeNumber('events()', 'limit', query.limit, 1) ?? 100;
}

const id = (value: string | number | null): number | null =>
  value === null ? null : Number(value);
const date = (value: Date | string): Date => (value instanceof Date ? value : new Date(value));

function record(row: Row): LedgerRecord {
  return {
    eventId: row.event_id,
    sourceEventId: row.source_event_id,
    type: row.type,
    orderId: id(row.order_id),
    bagId: id(row.bag_id),
    entityId: row.entity_id,
    state: row.state,
    attempts: row.attempts,
    lastError: row.last_error,
    receivedAt: date(row.received_at),
    doneAt: row.done_at === null ? null : date(row.done_at),
    body: row.body,
    version: row.version === null ? null : date(row.version),
    stale: row.stale,
  };
}

/** The ledger's records that match `query`, newest first. */
export async function readEvents(
  pool: PostgresPoolLike,
  schema: string,
  query: LedgerQuery,
): Promise<LedgerRecord[]> {
  const limit = checkQuery(query);
  // Only the filters given, so that each is planned as an index condition (a state or a type,
  // newest first, is read from its index rather than from every row).
  const where: string[] = [];
  const values: unknown[] = [];
  const filter = (condition: string, value: unknown): void => {
    values.push(value);
    where.push(condition.replace('?', `$${values.length}`));
  };
  if (query.state !== undefined) filter('state = ?', query.state);
  if (query.type !== undefined) filter('type = ?', query.type);
  if (query.since !== undefined) filter('received_at >= ?', query.since);
  values.push(limit);
  const text = `SELECT event_id, source_event_id, type, order_id, bag_id, entity_id, state, attempts,
  last_error, received_at, done_at, body, version, stale FROM ${tableNames(schema).events}
${where.length === 0 ? '' : `WHERE ${where.join(' AND ')}\n`}ORDER BY received_at DESC, event_id DESC LIMIT $${values.length}`;
  try {
    const { rows } = await pool.query(text, values);
    return (rows as Row[]).map(record);
  } catch (error) {
    throw explain(error, schema);
  }
}
