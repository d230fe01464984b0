// Compiled, never run: an ioredis client (and cluster) fits RedisDedupeStore.
import Redis, { Cluster } from 'ioredis';
import { RedisDedupeStore } from '../../lib/redis';

new RedisDedupeStore(new Redis({ lazyConnect: true }));
new RedisDedupeStore(new Cluster([{ host: '127.0.0.1', port: 7000 }], { lazyConnect: true }), {
  prefix: 'app:',
});
// @ts-expect-error a plain object is no Redis client
new RedisDedupeStore({ get: () => null });
