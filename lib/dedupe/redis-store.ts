import { randomUUID } from 'node:crypto';
import createDebug from 'debug';
import { checkKeys } from '../check-keys';
import { checkDuration, checkString } from '../check-option';
import {
  DEFAULT_TTL_MS,
  type ClaimOptions,
  type ClaimResult,
  type CompleteDetails,
  type DedupeStore,
  type ReleaseDetails,
} from './dedupe-store';
import type { EventVersion } from '../receive/event-version';
import {
  luaScript,
  redisCommands,
  type IoredisClientLike,
  type RedisClientLike,
  type RedisCommands,
} from './redis-commands';

const debug = createDebug('violet-webhooks:redis');

/**
 * Options of {@link RedisDedupeStore}.
 *
 * @example
 * new RedisDedupeStore(redis, { prefix: 'shop:violet:', commandTimeoutMs: 1000 });
 */
export interface RedisDedupeStoreOptions {
  /**
   * Key prefix. Default `'violet-webhooks:event:'`. Each entity's newest processed version
   * (`event.stale`) is kept under the same prefix, `event:` replaced by `version:` (else with
   * `version:` added), and each event's content key (`replayGuard`) likewise under `replay:`.
   */
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
const COMPLETE = luaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[2]) and 1
end
return 0`);
const RELEASE = luaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`);

// With a version (event.stale): the claim also reads the entity's newest processed version, and
// the completion raises it, in the same step. A version key holds ms since the epoch, kept for
// ttlMs after its last raise. 'new:' answers carry the version read ('' for none): a prefix,
// because @upstash/redis would parse a bare number.
const CLAIM_VERSIONED = luaScript(`if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  return 'new:' .. (redis.call('GET', KEYS[2]) or '')
end
return redis.call('GET', KEYS[1]) or ''`);
const COMPLETE_VERSIONED = luaScript(`if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[2])
  local newest = redis.call('GET', KEYS[2])
  if not newest or tonumber(newest) < tonumber(ARGV[3]) then newest = ARGV[3] end
  redis.call('SET', KEYS[2], newest, 'PX', ARGV[2])
  return 1
end
return 0`);

/** ioredis states in which a command would only wait in the offline queue. */
const DOWN = new Set(['reconnecting', 'close', 'end']);
/** ioredis states before a connection is ready: the first time, worth waiting for. */
const STARTING = new Set(['wait', 'connecting', 'connect']);

// With a content key (replayGuard): the event id and its content are claimed in one step. The
// content key holds `<lease:token or done>|<event id>`; held by another event id, the answer is
// 'replay:done:<id>' or 'replay:in-flight:<id>'. KEYS: event, content, and the version key when
// the event has a version; ARGV: lease:token, lease ms, event id.
const CLAIM_GUARDED = luaScript(`local current = redis.call('GET', KEYS[1])
if current then return current end
local held = redis.call('GET', KEYS[2])
if held then
  local bar = string.find(held, '|', 1, true)
  local owner = string.sub(held, bar + 1)
  if owner ~= ARGV[3] then
    if string.sub(held, 1, bar - 1) == '${DONE}' then return 'replay:done:' .. owner end
    return 'replay:in-flight:' .. owner
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
redis.call('SET', KEYS[2], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[2])
if KEYS[3] then return 'new:' .. (redis.call('GET', KEYS[3]) or '') end
return 'new:'`);
// KEYS: event, content, version (optional); ARGV: lease:token, ttl ms, event id, version ms.
const COMPLETE_GUARDED = luaScript(`if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[2])
if redis.call('GET', KEYS[2]) == ARGV[1] .. '|' .. ARGV[3] then
  redis.call('SET', KEYS[2], '${DONE}|' .. ARGV[3], 'PX', ARGV[2])
end
if KEYS[3] then
  local newest = redis.call('GET', KEYS[3])
  if not newest or tonumber(newest) < tonumber(ARGV[4]) then newest = ARGV[4] end
  redis.call('SET', KEYS[3], newest, 'PX', ARGV[2])
end
return 1`);
// KEYS: event, content; ARGV: lease:token, event id.
const RELEASE_GUARDED = luaScript(`if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] .. '|' .. ARGV[2] then redis.call('DEL', KEYS[2]) end
return 1`);

const NEW_CLAIM_RETRIES = 3;

/**
 * A {@link DedupeStore} shared by every instance of the app through Redis: claims are taken with
 * `SET NX PX` (one holder at a time, expiring after the lease if the holder dies), completed or
 * released by their holder only (a Lua compare-and-set on an owner token), and processed ids are
 * kept for `ttlMs`. When Redis cannot be reached, every method rejects quickly, so the middleware
 * answers 503 and Violet retries. The client is an ioredis one (TCP: Node.js, Bun, Deno) or an
 * `@upstash/redis` one (HTTP: any runtime with `fetch`, such as Vercel's and Cloudflare's).
 *
 * @example
 * import Redis from 'ioredis';
 * import { RedisDedupeStore } from 'express-violet-webhooks/redis';
 * const violet = violetWebhooks({ secret, dedupe: new RedisDedupeStore(new Redis(process.env.REDIS_URL!)) });
 *
 * @example
 * import { Redis } from '@upstash/redis';
 * const violet = violetWebhooks({ secret, dedupe: new RedisDedupeStore(Redis.fromEnv()) });
 */
export class RedisDedupeStore implements DedupeStore {
  /**
   * Claims `replayKey` with the event id in the same step (`replayGuard`); not on an ioredis
   * Cluster, whose slots part the two keys.
   */
  readonly guardsReplays: boolean;

  private readonly prefix: string;
  private readonly versionPrefix: string;
  private readonly replayPrefix: string;
  private readonly ttlMs: number;
  private readonly leaseMs: number | undefined;
  private readonly commandTimeoutMs: number;
  /** Whether the client has been ready once: after that, a lost connection fails at once. */
  private wasReady: boolean;
  /** Resolves when a client that was not ready yet becomes ready for the first time. */
  private readonly firstReady: Promise<void> | undefined;
  private readonly commands: RedisCommands;
  /** ioredis's connection state, where the client has one (an HTTP client has none). */
  private readonly connection: IoredisClientLike | undefined;

  constructor(client: RedisClientLike, options: RedisDedupeStoreOptions = {}) {
    const commands = redisCommands(client);
    if (commands === undefined) {
      throw new TypeError(
        'express-violet-webhooks: RedisDedupeStore needs an ioredis or @upstash/redis client, such as `new Redis(process.env.REDIS_URL)` from ioredis or `Redis.fromEnv()` from @upstash/redis',
      );
    }
    this.commands = commands;
    const connection = commands.connection;
    this.connection = connection;
    debug('client: %s', connection === undefined ? '@upstash/redis (HTTP)' : 'ioredis (TCP)');
    const owner = 'RedisDedupeStore';
    checkKeys(owner, options, ['prefix', 'ttlMs', 'leaseMs', 'commandTimeoutMs']);
    this.prefix = checkString(owner, 'prefix', options.prefix, false) ?? 'violet-webhooks:event:';
    const beside = (name: string) =>
      this.prefix.endsWith('event:')
        ? `${this.prefix.slice(0, -'event:'.length)}${name}:`
        : `${this.prefix}${name}:`;
    this.versionPrefix = beside('version');
    this.replayPrefix = beside('replay');
    // On a Cluster the event key and the content key are in different slots: no one step.
    this.guardsReplays = commands.multiKey;
    this.ttlMs = checkDuration(owner, 'ttlMs', options.ttlMs) ?? DEFAULT_TTL_MS;
    this.leaseMs = checkDuration(owner, 'leaseMs', options.leaseMs);
    this.commandTimeoutMs =
      checkDuration(owner, 'commandTimeoutMs', options.commandTimeoutMs) ?? 2000;
    const status = connection?.status;
    this.wasReady = status === undefined || status === 'ready';
    if (!this.wasReady && typeof connection?.once === 'function') {
      // A process that has just started: its first deliveries wait for the connection (within
      // the command deadline) rather than fail, so that a deploy does not cost 503s.
      this.firstReady = new Promise((resolve) => {
        connection.once?.('ready', () => {
          this.wasReady = true;
          resolve();
        });
      });
    }
  }

  async claim(eventId: string, options: ClaimOptions): Promise<ClaimResult> {
    const key = this.prefix + eventId;
    const token = randomUUID();
    const version = options.event?.version;
    const replayKey = options.event?.replayKey;
    if (replayKey !== undefined && this.commands.multiKey) {
      return this.claimGuarded(eventId, key, token, options.leaseMs, replayKey, version);
    }
    if (version !== undefined && this.commands.multiKey) {
      return this.claimVersioned(eventId, key, token, options.leaseMs, version.key, version.at);
    }
    for (let attempt = 0; attempt < NEW_CLAIM_RETRIES; attempt++) {
      const set = await this.command(
        () => this.commands.setNxPx(key, LEASE + token, this.leaseMs ?? options.leaseMs),
        // A claim taken after its delivery was answered 503 would hold the id for a lease.
        (taken) => {
          if (taken) this.release(eventId, token).catch(() => undefined);
        },
      );
      if (set) return { state: 'new', token };
      const current = await this.command(() => this.commands.get(key));
      if (current === DONE) return { state: 'done' };
      if (current !== null) return { state: 'in-flight' };
      // The key expired between SET and GET: try to claim again.
    }
    return { state: 'in-flight' };
  }

  async complete(eventId: string, token: string, details?: CompleteDetails): Promise<void> {
    const key = this.prefix + eventId;
    const version = details?.version;
    const replayKey = details?.replayKey;
    if (replayKey !== undefined && this.commands.multiKey) {
      const keys = [key, this.replayPrefix + replayKey];
      const args: (string | number)[] = [LEASE + token, this.ttlMs, eventId];
      if (version !== undefined) {
        keys.push(this.versionPrefix + version.key);
        args.push(Math.trunc(version.at));
      }
      await this.command(() => this.commands.run(COMPLETE_GUARDED, keys, args));
      return;
    }
    if (version !== undefined && this.commands.multiKey) {
      const versionKey = this.versionPrefix + version.key;
      await this.command(() =>
        this.commands.run(
          COMPLETE_VERSIONED,
          [key, versionKey],
          [LEASE + token, this.ttlMs, Math.trunc(version.at)],
        ),
      );
      return;
    }
    await this.command(() => this.commands.run(COMPLETE, [key], [LEASE + token, this.ttlMs]));
  }

  async release(eventId: string, token: string, details?: ReleaseDetails): Promise<void> {
    const key = this.prefix + eventId;
    const replayKey = details?.replayKey;
    if (replayKey !== undefined && this.commands.multiKey) {
      const keys = [key, this.replayPrefix + replayKey];
      await this.command(() => this.commands.run(RELEASE_GUARDED, keys, [LEASE + token, eventId]));
      return;
    }
    await this.command(() => this.commands.run(RELEASE, [key], [LEASE + token]));
  }

  /**
   * A claim of the event id and its content key in one script (`replayGuard`), which also reads
   * the entity's newest processed version when the event has one.
   */
  private async claimGuarded(
    eventId: string,
    key: string,
    token: string,
    leaseMs: number,
    replayKey: string,
    version: EventVersion | undefined,
  ): Promise<ClaimResult> {
    const keys = [key, this.replayPrefix + replayKey];
    if (version !== undefined) keys.push(this.versionPrefix + version.key);
    const answer = await this.command(
      () =>
        this.commands.run(CLAIM_GUARDED, keys, [LEASE + token, this.leaseMs ?? leaseMs, eventId]),
      // A claim taken after its delivery was answered 503 would hold both keys for a lease.
      (late) => {
        if (String(late).startsWith('new:')) {
          this.release(eventId, token, { replayKey }).catch(() => undefined);
        }
      },
    );
    const value = answer === null || answer === undefined ? '' : String(answer);
    if (value.startsWith('new:')) {
      if (version === undefined) return { state: 'new', token };
      const newest = value.slice('new:'.length);
      return { state: 'new', token, stale: newest !== '' && Number(newest) > version.at };
    }
    if (value.startsWith('replay:done:')) {
      return { state: 'done', repeats: value.slice('replay:done:'.length) };
    }
    if (value.startsWith('replay:in-flight:')) {
      return { state: 'in-flight', repeats: value.slice('replay:in-flight:'.length) };
    }
    if (value === DONE) return { state: 'done' };
    return { state: 'in-flight' };
  }

  /**
   * A claim that also reads the entity's newest processed version, in one script: `SET NX PX`,
   * then the version key (or the event key, when taken), atomically.
   */
  private async claimVersioned(
    eventId: string,
    key: string,
    token: string,
    leaseMs: number,
    entity: string,
    at: number,
  ): Promise<ClaimResult> {
    const answer = await this.command(
      () =>
        this.commands.run(
          CLAIM_VERSIONED,
          [key, this.versionPrefix + entity],
          [LEASE + token, this.leaseMs ?? leaseMs],
        ),
      // A claim taken after its delivery was answered 503 would hold the id for a lease.
      (late) => {
        if (String(late).startsWith('new:')) this.release(eventId, token).catch(() => undefined);
      },
    );
    const value = answer === null || answer === undefined ? '' : String(answer);
    if (value.startsWith('new:')) {
      const newest = value.slice('new:'.length);
      return { state: 'new', token, stale: newest !== '' && Number(newest) > at };
    }
    if (value === DONE) return { state: 'done' };
    return { state: 'in-flight' };
  }

  /**
   * One command, bounded in time: refused at once while a connection that was ready is lost;
   * while the first connection is being made, run once it is ready, within the same deadline.
   * `lateAnswer` gets what a command answered after its deadline.
   */
  private command<T>(run: () => Promise<T>, lateAnswer?: (value: T) => void): Promise<T> {
    const status = this.connection?.status;
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
      if (status === 'wait') this.connection?.connect?.().catch(() => undefined);
      // Past the deadline the delivery has been answered 503: its command must not run then.
      work = this.firstReady.then(() =>
        late ? Promise.reject(new Error('answered already')) : run(),
      );
      work.catch(() => undefined);
    } else {
      work = run();
    }
    if (lateAnswer !== undefined) {
      work.then((value) => late && lateAnswer(value)).catch(() => undefined);
    }
    return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
  }
}
