import { randomUUID } from 'node:crypto';
import { Redis as UpstashRedis } from '@upstash/redis';
import Redis from 'ioredis';
import { RedisDedupeStore, type RedisClientLike } from '../../lib/redis';
import { claimOptions } from '../helpers/claim-options';
import { describeWithSharedRedis } from '../helpers/redis';
import { UpstashRestEndpoint } from '../helpers/upstash-rest';
import { sleep } from '../helpers/wait';

const lease = { leaseMs: 5000 };

/** A client of the store's, to the Redis at `url`, and how to close it. */
type Connect = (url: string) => Promise<{ client: RedisClientLike; close(): Promise<unknown> }>;

const CLIENTS: [string, Connect][] = [
  [
    'ioredis',
    async (url) => {
      const client = new Redis(url, { maxRetriesPerRequest: 1 });
      return { client, close: () => client.quit() };
    },
  ],
  [
    '@upstash/redis as constructed by default (auto-pipelining, base64, JSON deserialization)',
    async (url) => {
      const endpoint = await UpstashRestEndpoint.start(url);
      const client = new UpstashRedis({ url: endpoint.url, token: endpoint.token });
      return { client, close: () => endpoint.close() };
    },
  ],
  [
    '@upstash/redis one command a request, no encoding, no deserialization',
    async (url) => {
      const endpoint = await UpstashRestEndpoint.start(url);
      const client = new UpstashRedis({
        url: endpoint.url,
        token: endpoint.token,
        enableAutoPipelining: false,
        responseEncoding: false,
        automaticDeserialization: false,
      });
      return { client, close: () => endpoint.close() };
    },
  ],
];

describeWithSharedRedis('RedisDedupeStore on a real Redis', (url) => {
  describe.each(CLIENTS)('through %s', (_name, connect) => {
    /** The store's client, and one of the test's own to read what the store wrote. */
    let connection: Awaited<ReturnType<Connect>>;
    let client: Redis;
    let prefix: string;
    let store: RedisDedupeStore;

    beforeAll(async () => {
      connection = await connect(url);
      client = new Redis(url, { maxRetriesPerRequest: 1 });
    });
    afterAll(async () => {
      await connection.close();
      await client.quit();
    });
    beforeEach(() => {
      prefix = `test:${randomUUID()}:`;
      store = new RedisDedupeStore(connection.client, { prefix });
    });

    async function claimed(id: string) {
      const claim = await store.claim(id, lease);
      if (claim.state !== 'new') throw new Error(`expected a new claim, got ${claim.state}`);
      return claim.token;
    }

    test('claim, then in-flight, then done after complete, under the prefix', async () => {
      const token = await claimed('1');
      expect((await store.claim('1', lease)).state).toBe('in-flight');
      expect(await client.get(`${prefix}1`)).toBe(`lease:${token}`);
      await store.complete('1', token);
      expect((await store.claim('1', lease)).state).toBe('done');
      expect(await client.get(`${prefix}1`)).toBe('done');
    });

    test('release lets the next claim process it', async () => {
      await store.release('1', await claimed('1'));
      expect((await store.claim('1', lease)).state).toBe('new');
    });

    test('only the holder can complete or release', async () => {
      await claimed('1');
      await store.release('1', 'stolen-token');
      await store.complete('1', 'stolen-token');
      expect((await store.claim('1', lease)).state).toBe('in-flight');
    });

    test('a claim whose holder died expires after its lease; the late holder cannot complete it', async () => {
      const stale = await store.claim('1', { leaseMs: 100 });
      await sleep(150);
      const next = await claimed('1');
      if (stale.state !== 'new') throw new Error('unreachable');
      await store.complete('1', stale.token);
      expect((await store.claim('1', lease)).state).toBe('in-flight');
      await store.complete('1', next);
      expect((await store.claim('1', lease)).state).toBe('done');
    });

    test('processed ids are kept for ttlMs', async () => {
      const short = new RedisDedupeStore(connection.client, { prefix, ttlMs: 200 });
      const claim = await short.claim('1', lease);
      if (claim.state !== 'new') throw new Error('unreachable');
      await short.complete('1', claim.token);
      const ttl = await client.pttl(`${prefix}1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(200);
      await sleep(250);
      expect((await short.claim('1', lease)).state).toBe('new');
    });

    test('the default ttl covers Violet’s 24 hour retry window', async () => {
      await store.complete('1', await claimed('1'));
      expect(await client.pttl(`${prefix}1`)).toBeGreaterThan(24 * 60 * 60 * 1000);
    });

    const versioned = (key: string, at: number) =>
      claimOptions({ version: { key, at } }, lease.leaseMs);
    async function processed(id: string, key: string, at: number) {
      const claim = await store.claim(id, versioned(key, at));
      if (claim.state !== 'new') throw new Error(`expected a new claim, got ${claim.state}`);
      await store.complete(id, claim.token, { version: { key, at } });
      return claim;
    }

    test('versions: an older one claimed after a newer one was processed is stale; equal is not', async () => {
      expect(await processed('1', 'bag:1', 2000)).toMatchObject({ state: 'new', stale: false });
      expect(await store.claim('2', versioned('bag:1', 1000))).toMatchObject({ stale: true });
      expect(await store.claim('3', versioned('bag:1', 2000))).toMatchObject({ stale: false });
      expect(await store.claim('4', versioned('bag:2', 1000))).toMatchObject({ stale: false });
      // An older completion does not lower the newest; the key sits beside the event keys.
      await processed('5', 'bag:1', 500);
      expect(await client.get(`${prefix}version:bag:1`)).toBe('2000');
      expect((await store.claim('1', versioned('bag:1', 2000))).state).toBe('done');
      expect((await store.claim('2', versioned('bag:1', 1000))).state).toBe('in-flight');
    });

    test('versions: a claim in flight or released counts for nothing', async () => {
      const held = await store.claim('1', versioned('bag:1', 2000));
      expect(await store.claim('2', versioned('bag:1', 1000))).toMatchObject({ stale: false });
      if (held.state !== 'new') throw new Error('unreachable');
      await store.release('1', held.token);
      expect(await store.claim('3', versioned('bag:1', 1000))).toMatchObject({ stale: false });
      expect(await client.get(`${prefix}version:bag:1`)).toBeNull();
    });

    test('versions are kept for ttlMs after their last completion', async () => {
      const short = new RedisDedupeStore(connection.client, { prefix, ttlMs: 300 });
      const claim = await short.claim('1', versioned('bag:1', 2000));
      if (claim.state !== 'new') throw new Error('unreachable');
      await short.complete('1', claim.token, { version: { key: 'bag:1', at: 2000 } });
      const ttl = await client.pttl(`${prefix}version:bag:1`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(300);
    });

    test('concurrent claims of one id: exactly one is new', async () => {
      const results = await Promise.all(
        Array.from({ length: 50 }, () => store.claim('race', lease)),
      );
      expect(results.filter((r) => r.state === 'new')).toHaveLength(1);
    });
  });
});

test.each<[Record<string, unknown>, string]>([
  [{ prefix: 5 }, 'prefix'],
  [{ ttlMs: 0 }, 'ttlMs'],
  [{ leaseMs: -1 }, 'leaseMs'],
  [{ commandTimeoutMs: 'soon' }, 'commandTimeoutMs'],
])('RedisDedupeStore rejects bad options %p, naming the option', (options, name) => {
  const client = new Redis({ lazyConnect: true });
  expect(() => new RedisDedupeStore(client, options as never)).toThrow(TypeError);
  expect(() => new RedisDedupeStore(client, options as never)).toThrow(
    `express-violet-webhooks: RedisDedupeStore option \`${name}\` must be`,
  );
  client.disconnect();
});

test.each([null, 'redis://127.0.0.1:6379', { get: () => null }])(
  'RedisDedupeStore refuses what is no client, naming both it takes: %p',
  (client) => {
    expect(() => new RedisDedupeStore(client as never)).toThrow(
      'RedisDedupeStore needs an ioredis or @upstash/redis client',
    );
  },
);

describe('RedisDedupeStore when Redis is unreachable', () => {
  const never = () => new Promise<never>(() => undefined);
  const client = (status: string) => ({ status, set: never, get: never, eval: never });

  test.each(['reconnecting', 'close', 'end'])(
    'a client that is %s is refused at once',
    async (status) => {
      const started = Date.now();
      await expect(new RedisDedupeStore(client(status)).claim('1', lease)).rejects.toThrow(
        `Redis connection is ${status}`,
      );
      expect(Date.now() - started).toBeLessThan(500); // far below the 2000 ms command timeout
    },
  );

  test('a command that never answers is abandoned after commandTimeoutMs', async () => {
    const store = new RedisDedupeStore(client('ready'), { commandTimeoutMs: 100 });
    const started = Date.now();
    await expect(store.claim('1', lease)).rejects.toThrow('Redis did not answer within 100 ms');
    await expect(store.complete('1', 't')).rejects.toThrow('did not answer');
    await expect(store.release('1', 't')).rejects.toThrow('did not answer');
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
