// Compiled, never run: an ioredis client (and cluster) and an @upstash/redis client (of every
// platform entry) fit RedisDedupeStore.
import { Redis as UpstashRedis } from '@upstash/redis';
import { Redis as CloudflareRedis } from '@upstash/redis/cloudflare';
import Redis, { Cluster } from 'ioredis';
import { RedisDedupeStore } from '../../lib/redis';

new RedisDedupeStore(new Redis({ lazyConnect: true }));
new RedisDedupeStore(new Cluster([{ host: '127.0.0.1', port: 7000 }], { lazyConnect: true }), {
  prefix: 'app:',
});
new RedisDedupeStore(new UpstashRedis({ url: 'https://example.upstash.io', token: 't' }));
new RedisDedupeStore(UpstashRedis.fromEnv(), { commandTimeoutMs: 1000 });
new RedisDedupeStore(
  CloudflareRedis.fromEnv({ UPSTASH_REDIS_REST_URL: 'u', UPSTASH_REDIS_REST_TOKEN: 't' }),
);
// @ts-expect-error a plain object is no Redis client
new RedisDedupeStore({ get: () => null });
