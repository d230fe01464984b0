// The runtime scenario's receiver as a Cloudflare Worker whose de-duplication store is Redis
// through @upstash/redis (HTTP: a Worker has no TCP client for Redis), made as Cloudflare users
// make it: `Redis.fromEnv(env)` from `@upstash/redis/cloudflare`, on the first request, since a
// Worker's secrets come with `env`.
import { Redis } from '@upstash/redis/cloudflare';
import { violetWebhooks } from 'express-violet-webhooks';
import { RedisDedupeStore } from 'express-violet-webhooks/redis';
import { receiver } from './receiver.ts';

let r;

export default {
  fetch(request, env, ctx) {
    r ??= receiver(
      violetWebhooks,
      new RedisDedupeStore(Redis.fromEnv(env), { prefix: env.VIOLET_PREFIX }),
    );
    return r.fetch(request, ctx);
  },
};
