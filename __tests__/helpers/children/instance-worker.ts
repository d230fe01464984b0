// One instance of an app, run as its own process by the multi-instance tests. It shares a Redis
// with its peers, prints `LISTENING <port>` once up, and `PROCESSED <event id>` for each event
// its listener finishes. Event ids that start with `slow-` take SLOW_MS to process.
import express from 'express';
import Redis from 'ioredis';
import { violetWebhooks } from '../../../lib';
import { RedisDedupeStore } from '../../../lib/redis';

const redis = new Redis({
  host: '127.0.0.1',
  port: Number(process.env.REDIS_PORT),
  maxRetriesPerRequest: 1,
  retryStrategy: () => 100,
});
redis.on('error', () => undefined);

const violet = violetWebhooks({
  secret: process.env.SECRET ?? '',
  dedupe: new RedisDedupeStore(redis, {
    leaseMs: Number(process.env.LEASE_MS),
    commandTimeoutMs: 500,
  }),
});
violet.on('*', async (event) => {
  process.stdout.write(`STARTED ${event.id}\n`);
  if (event.id.startsWith('slow-'))
    await new Promise((resolve) => setTimeout(resolve, Number(process.env.SLOW_MS)));
  process.stdout.write(`PROCESSED ${event.id}\n`);
});
violet.on('error', () => undefined);

const app = express();
app.post('/webhooks/violet', violet);
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(
    `LISTENING ${typeof address === 'object' && address !== null ? address.port : 0}\n`,
  );
});
