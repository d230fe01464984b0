// The server side of the load test: our middleware with one async listener that counts how often
// each event id is processed. GET /stats answers the counts and this process's memory.
import express from 'express';
import { underTest } from './under-test.mjs';

const { violetWebhooks } = underTest();

const store = process.env.STORE ?? 'memory';
let dedupe;
let redis;
if (store === 'redis') {
  const { default: Redis } = await import('ioredis');
  const { RedisDedupeStore } = underTest('redis');
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  dedupe = new RedisDedupeStore(redis, { prefix: `load:${process.pid}:${Date.now()}:` });
}

const violet = violetWebhooks({ secret: process.env.SECRET, ...(dedupe ? { dedupe } : {}) });
const processed = new Map();
violet.on('ORDER_SHIPPED', async (event) => {
  await Promise.resolve();
  processed.set(event.id, (processed.get(event.id) ?? 0) + 1);
});

const app = express();
app.post('/webhooks/violet', violet);
app.get('/stats', (_req, res) => {
  let twice = 0;
  for (const count of processed.values()) if (count > 1) twice += 1;
  const memory = process.memoryUsage();
  res.json({
    processed: processed.size,
    processedMoreThanOnce: twice,
    rss: memory.rss,
    heapUsed: memory.heapUsed,
    ids: listIds(),
  });
});
app.get('/gc', (_req, res) => {
  globalThis.gc?.();
  res.json({ ok: true });
});

function listIds() {
  return process.env.LIST_IDS === '1' ? [...processed.keys()] : undefined;
}

const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`LISTENING ${server.address().port}\n`);
});
process.on('SIGTERM', () => {
  server.close();
  redis?.disconnect();
  process.exit(0);
});
