// The three operations the Redis store makes (claim with SET NX PX, read a key, run a Lua script),
// for either client it accepts: ioredis over TCP, or @upstash/redis over Upstash's REST API (for
// runtimes without TCP sockets). The client is told apart by its shape; neither is imported.
import { createHash } from 'node:crypto';

/**
 * An ioredis `Redis` or `Cluster`, as far as the store uses it.
 *
 * @example
 * const store = new RedisDedupeStore(new Redis(process.env.REDIS_URL!));
 */
export interface IoredisClientLike {
  set(key: string, value: string, px: 'PX', milliseconds: number, nx: 'NX'): Promise<'OK' | null>;
  get(key: string): Promise<string | null>;
  eval(script: string, numberOfKeys: number, ...args: (string | number)[]): Promise<unknown>;
  /** ioredis's connection state; commands fail fast while it is not connected. */
  readonly status?: string;
  /** ioredis's events: the store waits for the first `'ready'` of a client still connecting. */
  once?(event: 'ready', listener: () => void): unknown;
  /** ioredis's `connect()`, for a client made with `lazyConnect`. */
  connect?(): Promise<unknown>;
  /** `true` on an ioredis `Cluster`. */
  readonly isCluster?: boolean;
}

/**
 * An `@upstash/redis` client (`Redis` from `@upstash/redis`, `@upstash/redis/cloudflare` or
 * `@upstash/redis/fastly`), as far as the store uses it.
 *
 * @example
 * const store = new RedisDedupeStore(Redis.fromEnv());
 */
export interface UpstashClientLike {
  set(key: string, value: string, options: { px: number; nx: true }): Promise<unknown>;
  get(key: string): Promise<unknown>;
  eval(script: string, keys: string[], args: (string | number)[]): Promise<unknown>;
  evalsha(sha1: string, keys: string[], args: (string | number)[]): Promise<unknown>;
  /** Only @upstash/redis has it: what tells its client from ioredis's. */
  createScript(script: string): unknown;
}

/**
 * What the store needs of a Redis client: an ioredis client, or an `@upstash/redis` one. Declared
 * here so that both stay optional peer dependencies.
 *
 * @example
 * new RedisDedupeStore(new Redis(process.env.REDIS_URL!)); // ioredis
 * new RedisDedupeStore(Redis.fromEnv()); // @upstash/redis
 */
export type RedisClientLike = IoredisClientLike | UpstashClientLike;

/** A Lua script and its SHA-1, under which Redis caches it. */
export interface LuaScript {
  readonly source: string;
  readonly sha1: string;
}

export const luaScript = (source: string): LuaScript => ({
  source,
  sha1: createHash('sha1').update(source).digest('hex'),
});

/** The store's view of a client. */
export interface RedisCommands {
  /** `SET key value PX ms NX`: whether the key was set. */
  setNxPx(key: string, value: string, milliseconds: number): Promise<boolean>;
  get(key: string): Promise<string | null>;
  /** Runs a script with its keys (one, or two in the same step on a single Redis). */
  run(script: LuaScript, keys: string[], args: (string | number)[]): Promise<unknown>;
  /**
   * Whether a script may take two unrelated keys: not on a Cluster, where they would be in
   * different slots.
   */
  readonly multiKey: boolean;
  /** The client's connection state and events, where it has them (ioredis; HTTP has none). */
  readonly connection?: IoredisClientLike;
}

const isUpstash = (client: RedisClientLike): client is UpstashClientLike =>
  typeof (client as Partial<UpstashClientLike>).createScript === 'function' &&
  typeof (client as Partial<UpstashClientLike>).evalsha === 'function';

const NOSCRIPT = /NOSCRIPT/i;

/**
 * @upstash/redis ends the message of an error answer with the whole command (`, command was:
 * [...]`): the key, the claim's owner token, the script. The store's errors travel as the cause
 * of a 503 and into logs, so they keep Redis's words only.
 */
function withoutCommand(error: unknown): never {
  if (!(error instanceof Error)) throw error;
  const at = error.message.indexOf(', command was: ');
  if (at === -1) throw error;
  const clean = new Error(error.message.slice(0, at));
  clean.name = error.name;
  throw clean;
}

/**
 * The three operations over `client`, or undefined when it is neither client. ioredis's path is
 * what the store has always sent (EVAL); Upstash's sends EVALSHA, and the script itself only when
 * Redis answers NOSCRIPT (its cache was flushed, or the database is new): every command is an
 * HTTP request there, and the script is most of its bytes.
 */
export function redisCommands(client: RedisClientLike): RedisCommands | undefined {
  if (client === null || typeof client !== 'object') return undefined;
  if (typeof client.set !== 'function' || typeof client.get !== 'function') return undefined;
  if (typeof client.eval !== 'function') return undefined;
  if (isUpstash(client)) {
    return {
      // @upstash/redis sends the value as it is and gives back "OK" or null.
      setNxPx: async (key, value, px) =>
        (await client.set(key, value, { px, nx: true }).catch(withoutCommand)) === 'OK',
      // Its automatic deserialization parses what reads as JSON; the store's values (`done`,
      // `lease:<uuid>`) never do, and anything else is not the store's.
      get: async (key) => {
        const value = await client.get(key).catch(withoutCommand);
        return value === null || value === undefined ? null : String(value);
      },
      run: (script, keys, args) =>
        client
          .evalsha(script.sha1, keys, args)
          .catch((error: unknown) => {
            if (!NOSCRIPT.test(error instanceof Error ? error.message : String(error))) throw error;
            return client.eval(script.source, keys, args);
          })
          .catch(withoutCommand),
      multiKey: true,
    };
  }
  const io = client;
  return {
    setNxPx: async (key, value, px) => (await io.set(key, value, 'PX', px, 'NX')) === 'OK',
    get: (key) => io.get(key),
    run: (script, keys, args) => io.eval(script.source, keys.length, ...keys, ...args),
    multiKey: io.isCluster !== true,
    connection: io,
  };
}
