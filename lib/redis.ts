export { RedisDedupeStore } from './dedupe/redis-store';
export type { RedisDedupeStoreOptions, RedisClientLike } from './dedupe/redis-store';
