import createDebug from 'debug';
import { checkKeys } from '../check-keys';
import { checkDuration } from '../dedupe/dedupe-store';
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
 * What `inbox.once()` needs of an event: a `VioletEvent` fits.
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
 * What `inbox.once()` resolves to: whether `fn` ran (and committed), with what it returned.
 *
 * @example
 * const r = await inbox.once(event, fn);
 * if (!r.ran) log('already applied');
 */
export type InboxResult<T> = { readonly ran: true; readonly value: T } | { readonly ran: false };

/**
 * Options of one `inbox.once()`.
 *
 * @example
 * await inbox.once(event, fn, { scope: 'emails' });
 */
export interface InboxOnceOptions {
  /** For several listeners of one event, each applied once: a name per listener. */
  scope?: string | undefined;
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

  constructor(
    private readonly pool: PostgresPoolLike<C>,
    options: PostgresInboxOptions = {},
  ) {
    checkPool('PostgresInbox', pool);
    checkKeys('PostgresInbox', options, ['schema']);
    this.schema = checkSchema('PostgresInbox', options.schema);
    this.insertText = `INSERT INTO ${tableNames(this.schema).inbox} (event_key, scope, event_id, type)
VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`;
  }

  /**
   * In one transaction: records the event's key (its `sourceEventId` for a resent copy, else its
   * id; per `scope`), and runs `fn` with the transaction's client; commits both or neither. The
   * same key a second time, concurrently or later, in any process, runs nothing. A throw of `fn`
   * rolls back and is rethrown, so that the delivery fails and Violet's retry runs it again.
   */
  async once<T>(
    event: InboxEvent,
    fn: (client: C) => T | Promise<T>,
    options: InboxOnceOptions = {},
  ): Promise<InboxResult<T>> {
    checkKeys('inbox.once', options, ['scope']);
    if (options.scope !== undefined && typeof options.scope !== 'string') {
      throw new TypeError('express-violet-webhooks: inbox.once scope must be a string');
    }
    const key = event.sourceEventId ?? event.id;
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
      const inserted = await own(this.insertText, [key, options.scope ?? '', event.id, event.type]);
      if (inserted.rowCount === 0) {
        // Applied already (this waited for a concurrent transaction of the same key to commit).
        await own('ROLLBACK');
        debug('inbox: %s %s applied already', event.type, event.id);
        return { ran: false };
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
      checkDuration('inbox.prune olderThanMs', options.olderThanMs) ?? DEFAULT_INBOX_KEEP_MS;
    return pruneInbox(this.pool, this.schema, olderThanMs);
  }

  /** Creates the tables, if they are not there yet (idempotent). */
  migrate(): Promise<void> {
    return migrate(this.pool, this.schema);
  }
}
