import createDebug from 'debug';
import { checkKeys } from '../check-keys';
import { checkBoolean, checkDuration, checkString } from '../check-option';
import { EVENT_TYPES_BY_FAMILY } from '../event-types';
import type { VioletEvent } from '../events';
import { eventVersion, type EventVersion } from '../receive/event-version';
import { migrate } from './migrate';
import {
  checkout,
  checkPool,
  explain,
  type PostgresClientLike,
  type PostgresPoolLike,
} from './pool';
import { DEFAULT_INBOX_KEEP_MS, pruneInbox } from './prune';
import { checkSchema, tableNames } from './schema-sql';

const debug = createDebug('violet-webhooks:postgres');

/**
 * Options of {@link PostgresInbox}.
 *
 * @example
 * new PostgresInbox(pool, { schema: 'webhooks' });
 */
export interface PostgresInboxOptions {
  /** The schema that holds the tables. Default `'public'`. */
  schema?: string | undefined;
}

/**
 * What `inbox.once()` needs of an event: a `VioletEvent` fits. With `newest: true`, the entity and
 * version are read from the event as the package gives it (a `VioletEvent`: its `family`, and the
 * bag's or entity's `date_last_modified`); an event without them runs as without `newest`.
 *
 * @example
 * await inbox.once({ id: 'evt-1', type: 'ORDER_SHIPPED' }, fn);
 */
export interface InboxEvent {
  readonly id: string;
  readonly type: string;
  /** Set on a copy resent through Violet's API: the key is then the original event's id. */
  readonly sourceEventId?: string | undefined;
}

/**
 * Why `inbox.once()` did not run `fn`: the event (its key, in its scope) was applied already
 * (`'duplicate'`), or, with `newest: true`, a newer version of its entity was (`'stale'`).
 *
 * @example
 * const why: InboxSkipReason = 'stale';
 */
export type InboxSkipReason = 'duplicate' | 'stale';

/**
 * What `inbox.once()` resolves to: whether `fn` ran (and committed), with what it returned, or
 * why it did not. Narrows on `ran`, or on `reason` (absent when `fn` ran).
 *
 * @example
 * const r = await inbox.once(event, fn, { newest: true });
 * if (r.ran) log('applied', r.value);
 * else if (r.reason === 'stale') log('a newer snapshot was applied already');
 */
export type InboxResult<T> =
  | { readonly ran: true; readonly value: T; readonly reason?: undefined }
  | { readonly ran: false; readonly reason: InboxSkipReason };

/**
 * Options of one `inbox.once()`.
 *
 * @example
 * await inbox.once(event, fn, { scope: 'emails' });
 */
export interface InboxOnceOptions {
  /** For several listeners of one event, each applied once: a name per listener. */
  scope?: string | undefined;
  /**
   * Newest wins: `fn` runs only when no newer version of the event's entity (its bag, order,
   * merchant, ...: the `date_last_modified` of its snapshot) was committed through the inbox (in
   * this scope), else `once` resolves `{ ran: false, reason: 'stale' }`. Equal versions are not
   * stale. An event without a version runs as without this option.
   */
  newest?: boolean | undefined;
}

/**
 * Options of `inbox.prune()`.
 *
 * @example
 * await inbox.prune({ olderThanMs: 90 * 86_400_000 });
 */
export interface InboxPruneOptions {
  /** Rows recorded longer ago than this are deleted. Default 30 days. */
  olderThanMs?: number | undefined;
}

const FAMILIES: ReadonlySet<string> = new Set(Object.keys(EVENT_TYPES_BY_FAMILY));

/** The entity and version of an event as the package gives it; undefined for anything else. */
function versionOf(event: InboxEvent): EventVersion | undefined {
  const { family } = event as { family?: unknown };
  if (typeof family !== 'string' || !FAMILIES.has(family)) return undefined;
  return eventVersion(event as VioletEvent);
}

/**
 * Exactly-once effects: `once()` records the event in the same transaction as what its function
 * writes, so that those writes happen once per Violet event, across retries, resends, crashes and
 * instances.
 *
 * @example
 * const inbox = new PostgresInbox(pool);
 * violet.on('ORDER_SHIPPED', (event) =>
 *   inbox.once(event, (db) => db.query('UPDATE orders SET status = $1 WHERE violet_id = $2', ['SHIPPED', event.orderId])),
 * );
 */
export class PostgresInbox<C extends PostgresClientLike = PostgresClientLike> {
  /** The schema that holds the tables. */
  readonly schema: string;
  private readonly insertText: string;
  private readonly versionText: string;

  constructor(
    private readonly pool: PostgresPoolLike<C>,
    options: PostgresInboxOptions = {},
  ) {
    checkPool('PostgresInbox', pool);
    checkKeys('PostgresInbox', options, ['schema']);
    this.schema = checkSchema('PostgresInbox', options.schema);
    this.insertText = `INSERT INTO ${tableNames(this.schema).inbox} (event_key, scope, event_id, type)
VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`;
    // One statement takes the entity's version row (creating it the first time), compares, and
    // moves it forward. Why it is correct under READ COMMITTED:
    // - INSERT ... ON CONFLICT DO UPDATE has an atomic outcome, insert or update, however many
    //   transactions race for the first row: one inserts it; the others wait for that transaction
    //   and, once it commits, take the update path on its row (if it rolls back, one of them
    //   inserts). (INSERT ... DO NOTHING, then SELECT ... FOR UPDATE, would be as correct in
    //   READ COMMITTED, each statement seeing what committed before it, at one more round trip.)
    // - The update path locks the row first, then evaluates the WHERE on its newest committed
    //   version, and the row stays locked until this transaction ends, updated or not. So the
    //   comparison is always with the newest version committed through the inbox, and while this
    //   transaction runs `fn`, every other transaction of the entity and scope waits here: the
    //   `fn`s of one entity are serialised, and each one that runs commits a version no older than
    //   any committed before it. A row is returned only when inserted or updated, that is when this
    //   version is no older (equal is not older: two changes in one second both run); none means
    //   stale.
    // - A throw of `fn` rolls the row back with the rest: a failed newer event leaves the older
    //   ones free to run.
    // - Lock order, the same in every transaction: the inbox row (the event's key), then this
    //   row. A transaction waiting here holds only its own event's inbox row, which no
    //   transaction holding the version row waits for, so the waits cannot form a cycle. (Under
    //   REPEATABLE READ or SERIALIZABLE, a concurrent update is a serialization failure instead,
    //   which rolls back and is rethrown: the retry runs it again.)
    const { versions } = tableNames(this.schema);
    this.versionText = `INSERT INTO ${versions} AS v (entity_key, scope, version, event_id)
VALUES ($1, $2, $3::timestamptz, $4)
ON CONFLICT (entity_key, scope) DO UPDATE
  SET version = EXCLUDED.version, event_id = EXCLUDED.event_id, updated_at = now()
  WHERE v.version <= EXCLUDED.version
RETURNING 1`;
  }

  /**
   * In one transaction: records the event's key (its `sourceEventId` for a resent copy, else its
   * id; per `scope`), and runs `fn` with the transaction's client; commits both or neither. The
   * same key a second time, concurrently or later, in any process, runs nothing. A throw of `fn`
   * rolls back and is rethrown, so that the delivery fails and Violet's retry runs it again.
   * With `newest: true`, in the same transaction, `fn` runs only when no newer version of the
   * event's entity was committed through the inbox (`{ ran: false, reason: 'stale' }` else).
   */
  async once<T>(
    event: InboxEvent,
    fn: (client: C) => T | Promise<T>,
    options: InboxOnceOptions = {},
  ): Promise<InboxResult<T>> {
    checkKeys('inbox.once', options, ['scope', 'newest']);
    checkString('inbox.once', 'scope', options.scope, false);
    checkBoolean('inbox.once', 'newest', options.newest);
    const key = event.sourceEventId ?? event.id;
    const scope = options.scope ?? '';
    const version = options.newest === true ? versionOf(event) : undefined;
    if (options.newest === true && version === undefined) {
      debug('inbox: %s %s has no version: newest cannot be judged', event.type, event.id);
    }
    const { client, giveBack } = await checkout(this.pool.connect());
    // The package's own statements: a missing table, or a pooler that refuses transactions, is
    // explained; what `fn` throws is rethrown as it is.
    const own = async (text: string, values?: unknown[]) => {
      try {
        return await client.query(text, values);
      } catch (error) {
        throw explain(error, this.schema);
      }
    };
    let broken: Error | undefined;
    try {
      await own('BEGIN');
      const inserted = await own(this.insertText, [key, scope, event.id, event.type]);
      if (inserted.rowCount === 0) {
        // Applied already (this waited for a concurrent transaction of the same key to commit).
        await own('ROLLBACK');
        debug('inbox: %s %s applied already', event.type, event.id);
        return { ran: false, reason: 'duplicate' };
      }
      if (version !== undefined) {
        const at = new Date(version.at).toISOString();
        const moved = await own(this.versionText, [version.key, scope, at, event.id]);
        if (moved.rowCount === 0) {
          // A newer version of the entity was committed: nothing is recorded, not even the inbox
          // row (a later run of this event is as stale).
          await own('ROLLBACK');
          debug('inbox: %s %s is older than %s’s newest', event.type, event.id, version.key);
          return { ran: false, reason: 'stale' };
        }
      }
      const value = await fn(client);
      await own('COMMIT');
      return { ran: true, value };
    } catch (error) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = new Error('rollback failed');
      }
      throw error;
    } finally {
      giveBack(broken);
    }
  }

  /**
   * Deletes the inbox's rows recorded more than `olderThanMs` ago (default 30 days), a batch at a
   * time; resolves to the number deleted. An event older than that is no longer recognised if
   * Violet sends it again, so keep more than Violet's retries and resends span.
   *
   * @example
   * await inbox.prune({ olderThanMs: 90 * 86_400_000 });
   */
  prune(options: InboxPruneOptions = {}): Promise<number> {
    checkKeys('inbox.prune', options, ['olderThanMs']);
    const olderThanMs =
      checkDuration('inbox.prune', 'olderThanMs', options.olderThanMs) ?? DEFAULT_INBOX_KEEP_MS;
    return pruneInbox(this.pool, this.schema, olderThanMs);
  }

  /** Creates the tables, if they are not there yet (idempotent). */
  migrate(): Promise<void> {
    return migrate(this.pool, this.schema);
  }
}
