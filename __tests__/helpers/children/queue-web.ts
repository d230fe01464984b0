// A web process in queue mode, run by the queue tests: claims in Redis (DEDUPE_URL, or in memory
// when unset), jobs in BullMQ (QUEUE_PORT), prints `LISTENING <port>`.
import express from 'express';
import Redis from 'ioredis';
import { violetWebhooks } from '../../../lib';
import { bullmqQueue } from '../../../lib/bullmq';
import { RedisDedupeStore } from '../../../lib/redis';

const env = process.env;
const dedupe =
  env.DEDUPE_URL === undefined || env.DEDUPE_URL === ''
    ? undefined
    : new RedisDedupeStore(new Redis(env.DEDUPE_URL, { maxRetriesPerRequest: 1 }), {
        prefix: `${env.PREFIX}:claims:`,
      });
const violet = violetWebhooks({
  secret: env.SECRET ?? '',
  ...(dedupe === undefined ? {} : { dedupe }),
  queue: bullmqQueue({
    connection: { host: '127.0.0.1', port: Number(env.QUEUE_PORT) },
    name: 'violet',
    prefix: env.PREFIX,
    enqueueTimeout: Number(env.ENQUEUE_TIMEOUT ?? 3000),
    jobOptions: { attempts: 5, backoff: { type: 'fixed', delay: 100 } },
  }),
});
violet.on('error', () => undefined);
const app = express();
app.post('/webhooks/violet', violet);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`LISTENING ${typeof address === 'object' && address ? address.port : 0}\n`);
});
