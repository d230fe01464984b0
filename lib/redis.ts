export { RedisDedupeStore } from './dedupe/redis-store';
export type { RedisDedupeStoreOptions, RedisClientLike } from './dedupe/redis-store';
export type { DedupeStore, ClaimResult, ClaimOptions } from './dedupe/dedupe-store';
