// The example app in queued mode: the web process answers once a delivery is in Redis, and a
// worker process runs the listeners. Bull Board at /admin/queues shows the jobs (waiting, active,
// failed, retried) behind HTTP Basic authentication: the jobs hold whole orders, with shoppers'
// addresses, and the dashboard can retry and delete them. Without credentials, no dashboard.
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import express from 'express';
import Redis from 'ioredis';
import { violetWebhooks } from 'express-violet-webhooks';
import { bullmqQueue, createVioletWorker } from 'express-violet-webhooks/bullmq';
import { RedisDedupeStore } from 'express-violet-webhooks/redis';
import { basicAuth, type Credentials } from './basic-auth';
import { addListeners, listeners, type Log } from './listeners';

export interface QueueSetup {
  redisUrl: string;
  /** The queue's name (default `violet-webhooks`) and BullMQ's key prefix. */
  name?: string | undefined;
  prefix?: string | undefined;
  /** Who may open the dashboard at /admin/queues; without them it is not served. */
  dashboard?: Credentials | undefined;
}

/** The web side: verify, claim, queue, answer; and the dashboard. */
export function createQueuedApp(secret: string, setup: QueueSetup, log: Log) {
  const name = setup.name ?? 'violet-webhooks';
  // Fail fast when Redis is away: the middleware answers 503 and Violet retries.
  const redis = new Redis(setup.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  redis.on('error', () => undefined);
  const queue = bullmqQueue({ connection: redis, name, prefix: setup.prefix });
  const violet = violetWebhooks({
    secret,
    dedupe: new RedisDedupeStore(redis, { prefix: `${setup.prefix ?? 'bull'}:${name}:claims:` }),
    queue,
  });
  violet.on('error', listeners(log).error);

  const app = express();
  app.post('/webhooks/violet', violet);
  if (setup.dashboard !== undefined) {
    const board = new ExpressAdapter();
    board.setBasePath('/admin/queues');
    createBullBoard({ queues: [new BullMQAdapter(queue.queue)], serverAdapter: board });
    app.use('/admin/queues', basicAuth(setup.dashboard), board.getRouter());
  }
  const close = async () => {
    await queue.close();
    redis.disconnect();
  };
  return { app, queue, close };
}

/** The worker side: the same listeners as the in-process app, run from the queue. */
export function startWorker(setup: QueueSetup, log: Log) {
  const worker = createVioletWorker({
    // A worker blocks on Redis and retries for ever: BullMQ wants maxRetriesPerRequest null.
    connection: new Redis(setup.redisUrl, { maxRetriesPerRequest: null }),
    name: setup.name ?? 'violet-webhooks',
    prefix: setup.prefix,
    concurrency: 10,
  });
  addListeners(worker, log);
  return worker;
}
