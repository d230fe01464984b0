export { RedisDedupeStore } from './dedupe/redis-store';
export type { RedisDedupeStoreOptions } from './dedupe/redis-store';
export type {
  RedisClientLike,
  IoredisClientLike,
  UpstashClientLike,
} from './dedupe/redis-commands';
