import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';

/** Connection options for BullMQ from a redis:// URL. */
export function connectionOf(url: string) {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port || 6379) };
}

/** A key prefix of the test's own, so that runs never see each other's jobs. */
export const testPrefix = () => `vwtest-${randomUUID().slice(0, 8)}`;

/** Deletes every key under a prefix. */
export async function dropPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
