import { randomUUID } from 'node:crypto';
import createDebug from 'debug';
import { checkKeys } from '../check-keys';
import { checkDuration, checkString } from '../check-option';
import {
  DEFAULT_TTL_MS,
  type ClaimOptions,
  type ClaimResult,
  type DedupeStore,
} from './dedupe-store';

const debug = createDebug('violet-webhooks:redis');

/**
 * What the store needs of a Redis client; an ioredis `Redis` or `Cluster` fits. Declared here so
 * that ioredis stays an optional peer dependency.
 *
 * @example
 * const store = new RedisDedupeStore(new Redis(process.env.REDIS_URL!));
 */
export interface RedisClientLike {
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>;
  get(key: string): Promise<string | null>;
  eval(script: string, numberOfKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** ioredis's connection state; commands fail fast while it is not connected. */
  readonly status?: string;
  /** ioredis's events: the store waits for the first `'ready'` of a client still connecting. */
  once?(event: 'ready', listener: () => void): unknown;
  /** ioredis's `connect()`, for a client made with `lazyConnect`. */
  connect?(): Promise<unknown>;
}

/**
 * Options of {@link RedisDedupeStore}.
 *
 * @example
 * new RedisDedupeStore(redis, { prefix: 'shop:violet:', commandTimeoutMs: 1000 });
 */
export interface RedisDedupeStoreOptions {
  /** Key prefix. Default `'violet-webhooks:event:'`. */
  prefix?: string | undefined;
  /** How long a processed id is remembered. Default 25 hours (Violet retries for 24). */
  ttlMs?: number | undefined;
  /** How long a claim lives without its holder finishing. Default: what the middleware asks. */
  leaseMs?: number | undefined;
  /** Longest wait for one Redis command before answering 503. Default 2000 ms. */
  commandTimeoutMs?: number | undefined;
}

const DONE = 'done';
const LEASE = 'lease:';

// Complete and release act only for the holder of the claim: compare and act in one step.
const COMPLETE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[2]) and 1
end
return 0`;
const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;

/** ioredis states in which a command would only wait in the offline queue. */
const DOWN = new Set(['reconnecting', 'close', 'end']);
/** ioredis states before a connection is ready: the first time, worth waiting for. */
const STARTING = new Set(['wait', 'connecting', 'connect']);

const NEW_CLAIM_RETRIES = 3;

/**
 * A {@link DedupeStore} shared by every instance of the app through Redis: claims are taken with
 * `SET NX PX` (one holder at a time, expiring after the lease if the holder dies), completed or
 * released by their holder only (a Lua compare-and-set on an owner token), and processed ids are
 * kept for `ttlMs`. When Redis cannot be reached, every method rejects quickly, so the middleware
 * answers 503 and Violet retries.
 *
 * @example
 * import Redis from 'ioredis';
 * import { RedisDedupeStore } from 'express-violet-webhooks/redis';
 * const violet = violetWebhooks({ secret, dedupe: new RedisDedupeStore(new Redis(process.env.REDIS_URL!)) });
 */
export class RedisDedupeStore implements DedupeStore {
  private readonly prefix: string;
  private readonly ttlMs: number;
  private readonly leaseMs: number | undefined;
  private readonly commandTimeoutMs: number;
  /** Whether the client has been ready once: after that, a lost connection fails at once. */
  private wasReady: boolean;
  /** Resolves when a client that was not ready yet becomes ready for the first time. */
  private readonly firstReady: Promise<void> | undefined;

  constructor(
    private readonly client: RedisClientLike,
    options: RedisDedupeStoreOptions = {},
  ) {
    if (client === null || typeof client !== 'object' || typeof client.set !== 'function') {
      throw new TypeError('express-violet-webhooks: RedisDedupeStore needs an ioredis client');
    }
    const owner = 'RedisDedupeStore';
    checkKeys(owner, options, ['prefix', 'ttlMs', 'leaseMs', 'commandTimeoutMs']);
    this.prefix = checkString(owner, 'prefix', options.prefix, false) ?? 'violet-webhooks:event:';
    this.ttlMs = checkDuration(owner, 'ttlMs', options.ttlMs) ?? DEFAULT_TTL_MS;
    this.leaseMs = checkDuration(owner, 'leaseMs', options.leaseMs);
    this.commandTimeoutMs =
      checkDuration(owner, 'commandTimeoutMs', options.commandTimeoutMs) ?? 2000;
    this.wasReady = client.status === undefined || client.status === 'ready';
    if (!this.wasReady && typeof client.once === 'function') {
      // A process that has just started: its first deliveries wait for the connection (within
      // the command deadline) rather than fail, so that a deploy does not cost 503s.
      this.firstReady = new Promise((resolve) => {
        client.once?.('ready', () => {
          this.wasReady = true;
          resolve();
        });
      });
    }
  }

  async claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
    const key = this.prefix + eventId;
    const token = randomUUID();
    for (let attempt = 0; attempt < NEW_CLAIM_RETRIES; attempt++) {
      const set = await this.command(() =>
        this.client.set(key, LEASE + token, 'PX', this.leaseMs ?? options.leaseMs, 'NX'),
      );
      if (set === 'OK') return { state: 'new', token };
      const current = await this.command(() => this.client.get(key));
      if (current === DONE) return { state: 'done' };
      if (current !== null) return { state: 'in-flight' };
      // The key expired between SET and GET: try to claim again.
    }
    return { state: 'in-flight' };
  }

  async complete(eventId: string, token: string): Promise<void> {
    await this.command(() =>
      this.client.eval(COMPLETE, 1, this.prefix + eventId, LEASE + token, this.ttlMs),
    );
  }

  async release(eventId: string, token: string): Promise<void> {
    await this.command(() => this.client.eval(RELEASE, 1, this.prefix + eventId, LEASE + token));
  }

  /**
   * One command, bounded in time: refused at once while a connection that was ready is lost;
   * while the first connection is being made, run once it is ready, within the same deadline.
   */
  private command<T>(run: () => Promise<T>): Promise<T> {
    const status = this.client.status;
    const starting = status !== undefined && STARTING.has(status) && !this.wasReady;
    if (status !== undefined && (DOWN.has(status) || (STARTING.has(status) && !starting))) {
      debug('redis is %s: refusing', status);
      return Promise.reject(new Error(`Redis connection is ${status}`));
    }
    let timer: NodeJS.Timeout | undefined;
    let late = false;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => {
        late = true;
        reject(new Error(`Redis did not answer within ${this.commandTimeoutMs} ms`));
      }, this.commandTimeoutMs);
    });
    let work: Promise<T>;
    if (starting && this.firstReady !== undefined) {
      debug('redis is %s: waiting for its first connection', status);
      if (status === 'wait') this.client.connect?.().catch(() => undefined);
      // Past the deadline the delivery has been answered 503: its command must not run then.
      work = this.firstReady.then(() =>
        late ? Promise.reject(new Error('answered already')) : run(),
      );
      work.catch(() => undefined);
    } else {
      work = run();
    }
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
