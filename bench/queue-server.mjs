// One server of `npm run bench:queue`, chosen by KIND; prints `LISTENING <port>`. All claim
// event ids in Redis (RedisDedupeStore):
//   queued         the middleware with a BullMQ queue: answers once the job is in Redis
//   in-process     the same middleware running one async listener before it answers
//   listener-adds  the in-process middleware whose listener adds the same job with BullMQ's own
//                  Queue.add: what writing the job costs, without this package's hand-off
import express from 'express';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { orderOfSize } from './payloads.mjs';
import { underTest } from './under-test.mjs';

const { violetWebhooks } = underTest();
const { bullmqQueue } = underTest('bullmq');
const { RedisDedupeStore } = underTest('redis');

const { KIND, SECRET, REDIS_URL, PREFIX } = process.env;
const redis = new Redis(REDIS_URL, {
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
});
const dedupe = new RedisDedupeStore(redis, { prefix: `${PREFIX}:claims:${KIND}:` });
const name = `accept-${KIND}`;
const violet =
  KIND === 'queued'
    ? violetWebhooks({
        secret: SECRET,
        dedupe,
        queue: bullmqQueue({ connection: redis, name, prefix: PREFIX }),
      })
    : violetWebhooks({ secret: SECRET, dedupe });
if (KIND === 'in-process') violet.on('ORDER_SHIPPED', async () => undefined);
if (KIND === 'listener-adds') {
  const queue = new Queue(name, { connection: redis, prefix: PREFIX });
  // The body the bench sends: the listener sees the parsed event, not the text.
  const body = orderOfSize(4 * 1024).toString();
  const options = {
    attempts: 8,
    backoff: { type: 'exponential', delay: 2000 },
    removeOnComplete: { age: 25 * 3600 },
    removeOnFail: { age: 14 * 24 * 3600 },
  };
  violet.on('ORDER_SHIPPED', async (event) => {
    const data = {
      v: 1,
      body,
      headers: event.headers,
      receivedAt: event.receivedAt.toISOString(),
      secretIndex: 0,
    };
    await queue.add(event.type, data, { ...options, jobId: `violet-${event.id}` });
  });
}
const app = express();
app.post('/webhooks', violet);
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
