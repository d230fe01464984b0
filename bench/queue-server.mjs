// One server of `npm run bench:queue`, chosen by KIND; prints `LISTENING <port>`. Both claim
// event ids in Redis (RedisDedupeStore):
//   queued      the middleware with a BullMQ queue: answers once the job is in Redis
//   in-process  the same middleware running one async listener before it answers
import express from 'express';
import Redis from 'ioredis';
import { violetWebhooks } from 'express-violet-webhooks';
import { bullmqQueue } from 'express-violet-webhooks/bullmq';
import { RedisDedupeStore } from 'express-violet-webhooks/redis';

const { KIND, SECRET, REDIS_URL, PREFIX } = process.env;
const redis = new Redis(REDIS_URL, {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
});
const dedupe = new RedisDedupeStore(redis, { prefix: `${PREFIX}:claims:${KIND}:` });
const violet =
  KIND === 'queued'
    ? violetWebhooks({
        secret: SECRET,
        dedupe,
        queue: bullmqQueue({ connection: redis, name: `accept-${KIND}`, prefix: PREFIX }),
      })
    : violetWebhooks({ secret: SECRET, dedupe });
if (KIND !== 'queued') violet.on('ORDER_SHIPPED', async () => undefined);
const app = express();
app.post('/webhooks', violet);
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
