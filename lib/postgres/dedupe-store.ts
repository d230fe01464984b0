import { randomUUID } from 'node:crypto';
import createDebug from 'debug';
import { checkKeys } from '../check-keys';
import { checkBoolean, checkDuration } from '../check-option';
import {
  DEFAULT_TTL_MS,
  type ClaimedEvent,
  type ClaimOptions,
  type ClaimResult,
  type DedupeStore,
  type ReleaseDetails,
} from '../dedupe/dedupe-store';
import { Batcher, lockOrder } from './batch';
import { readEvents, type LedgerQuery, type LedgerRecord } from './ledger';
import { migrate } from './migrate';
import {
  checkPool,
  isMissing,
  queryWithin,
  type PostgresPoolLike,
  type PostgresResultLike,
} from './pool';
import { pruneEvents } from './prune';
import { checkSchema } from './schema-sql';

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

const debug = createDebug('violet-webhooks:postgres');

const OPTIONS = ['schema', 'leaseMs', 'keepDoneMs', 'keepBody', 'queryTimeoutMs'];

/** The first wait before a failed completion is tried again, and the longest. */
const RETRY_FIRST_MS = 50;
const RETRY_MAX_MS = 1000;

/** Past this many claims held, those whose lease has ended are forgotten (never settled). */
const LEASES_SWEEP_AT = 10_000;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** One claim waiting for its batch. */
interface ClaimRequest {
  readonly eventId: string;
  readonly token: string;
  readonly leaseMs: number;
  readonly event: ClaimedEvent | undefined;
}

/** One completion waiting for its batch. */
interface CompleteRequest {
  readonly eventId: string;
  readonly token: string;
}

/**
 * A {@link DedupeStore} in the app's own Postgres, whose rows are also a ledger of every event
 * received: one atomic statement per step (claim, complete, release; the claims and completions
 * due at the same moment share theirs), correct across any number of instances; a claim expires after its lease, a processed event answers duplicate for
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
  /** Claims `replayKey` with the event id in the same statement (`replayGuard`). */
  readonly guardsReplays = true;
  private readonly leaseMs: number | undefined;
  private readonly keepDoneMs: number;
  private readonly keepBody: boolean;
  private readonly timeoutMs: number;
  private readonly releaseText: string;
  private readonly claims: Batcher<ClaimRequest, string>;
  private readonly completions: Batcher<CompleteRequest, void>;
  /** The claims this store holds: token to the time (this clock's) its lease ends. */
  private readonly leases = new Map<string, number>();

  constructor(
    private readonly pool: PostgresPoolLike,
    options: PostgresDedupeStoreOptions = {},
  ) {
    checkPool('PostgresDedupeStore', pool);
    const owner = 'PostgresDedupeStore';
    checkKeys(owner, options, OPTIONS);
    this.schema = checkSchema(owner, options.schema);
    this.leaseMs = checkDuration(owner, 'leaseMs', options.leaseMs);
    this.keepDoneMs = checkDuration(owner, 'keepDoneMs', options.keepDoneMs) ?? DEFAULT_TTL_MS;
    this.keepBody = checkBoolean(owner, 'keepBody', options.keepBody) ?? false;
    this.timeoutMs = checkDuration(owner, 'queryTimeoutMs', options.queryTimeoutMs) ?? 2000;
    const fn = `"${this.schema}".violet_webhook_`;
    const claimText = `SELECT ${fn}claim($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) AS states`;
    const completeText = `SELECT ${fn}complete($1, $2)`;
    this.releaseText = `SELECT ${fn}release($1, $2, $3)`;
    this.claims = new Batcher(async (requests) => {
      const order = lockOrder(requests, (r) => r.eventId);
      const sorted = order.map((i) => requests[i] as ClaimRequest);
      const column = <T>(pick: (r: ClaimRequest) => T) => sorted.map(pick);
      const { rows } = await this.run(claimText, [
        column((r) => r.eventId),
        column((r) => r.event?.sourceEventId ?? null),
        column((r) => r.event?.type ?? 'unknown'),
        column((r) => r.event?.orderId ?? null),
        column((r) => r.event?.bagId ?? null),
        column((r) => r.event?.entityId ?? null),
        column((r) => r.token),
        column((r) => r.leaseMs),
        column((r) => (this.keepBody ? (r.event?.body ?? null) : null)),
        this.keepDoneMs,
        column((r) => r.event?.version?.key ?? null),
        column((r) => (r.event?.version === undefined ? null : Math.trunc(r.event.version.at))),
        column((r) => r.event?.replayKey ?? null),
      ]);
      const states = (rows[0] as { states?: string[] } | undefined)?.states ?? [];
      const byRequest: string[] = [];
      order.forEach((i, position) => (byRequest[i] = states[position] ?? 'unknown'));
      return byRequest;
    });
    this.completions = new Batcher<CompleteRequest, void>(async (requests) => {
      const sorted = lockOrder(requests, (r) => r.eventId).map(
        (i) => requests[i] as CompleteRequest,
      );
      await this.run(completeText, [sorted.map((r) => r.eventId), sorted.map((r) => r.token)]);
      return [];
    });
  }

  async claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
    const token = randomUUID();
    const leaseMs = this.leaseMs ?? options.leaseMs;
    // Before the statement: the lease the server starts ends no earlier than this.
    const leaseEnd = Date.now() + leaseMs;
    const state = await this.claims.add({ eventId, token, leaseMs, event: options.event });
    if (state.startsWith('new')) {
      this.holding(token, leaseEnd);
      if (state === 'new') return { state: 'new', token };
      return { state: 'new', token, stale: state === 'new:stale' };
    }
    if (state.startsWith('replay:done:')) {
      return { state: 'done', repeats: state.slice('replay:done:'.length) };
    }
    if (state.startsWith('replay:in-flight:')) {
      return { state: 'in-flight', repeats: state.slice('replay:in-flight:'.length) };
    }
    // Not taken: done, or held by another delivery.
    return state === 'done' ? { state: 'done' } : { state: 'in-flight' };
  }

  /**
   * Marks the event done, and so its version processed: the claim recorded it in the row, so
   * the completion's `details` add nothing here. A completion that fails (a pool out of connections, a connection lost)
   * is tried again, after a short wait that grows, until it lands or the claim's lease ends: a
   * processed event left claimed would answer 409 to Violet's copies until then. Rejects with the
   * last error once the lease has ended.
   */
  async complete(eventId: string, token: string): Promise<void> {
    const leaseEnd = this.leases.get(token) ?? 0;
    let wait = RETRY_FIRST_MS;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.completions.add({ eventId, token });
          return;
        } catch (error) {
          // Missing tables do not come back by waiting; past the lease, another may hold it.
          if (isMissing(error) || Date.now() + wait >= leaseEnd) throw error;
          debug('completion of %s failed (attempt %d), trying again', eventId, attempt);
          await sleep(wait + Math.floor(Math.random() * wait));
          wait = Math.min(wait * 2, RETRY_MAX_MS);
        }
      }
    } finally {
      this.leases.delete(token);
    }
  }

  async release(eventId: string, token: string, details?: ReleaseDetails): Promise<void> {
    this.leases.delete(token);
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

  /** Remembers a claim taken, until it is completed or released. */
  private holding(token: string, leaseEnd: number): void {
    if (this.leases.size >= LEASES_SWEEP_AT) {
      const now = Date.now();
      for (const [held, end] of this.leases) if (end <= now) this.leases.delete(held);
    }
    this.leases.set(token, leaseEnd);
  }

  private run(text: string, values: unknown[]): Promise<PostgresResultLike> {
    return queryWithin(this.pool, this.timeoutMs, this.schema, text, values);
  }
}
