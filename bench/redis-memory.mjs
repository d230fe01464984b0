// `npm run bench:redis-memory`: what Redis holds per delivery, to size it. On the Redis at
// REDIS_URL (default redis://127.0.0.1:6379), under a key prefix of its own that it deletes, it
// receives COUNT deliveries (default 2000) of ORDER_SHIPPED at SIZE bytes (default 4096):
//  1. with RedisDedupeStore alone, then a listener in process: the claim each event leaves;
//  2. in queue mode: each waiting job, then each job once a worker has completed it.
// Bytes are Redis's own MEMORY USAGE of every key under the prefix, divided by COUNT; nothing
// else on that Redis is read or counted. MEMORY USAGE leaves out the server's bookkeeping (the
// table of expiries, its hash tables' growth), so the growth of INFO's used_memory is shown as
// well: on a Redis nobody else writes to, that is what the server really spends.
import Redis from 'ioredis';
import { headersFor, orderOfSize } from './payloads.mjs';
import { underTest } from './under-test.mjs';

const { violetWebhooks } = underTest();
const { bullmqQueue, createVioletWorker } = underTest('bullmq');
const { RedisDedupeStore } = underTest('redis');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const COUNT = Number(process.env.COUNT ?? 2000);
const SIZE = Number(process.env.SIZE ?? 4096);
const SECRET = 'bench-memory-secret';
const PREFIX = `vwmem-${process.pid}`;
const body = orderOfSize(SIZE);
const headers = headersFor('violet', body, SECRET);

const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });

async function keysUnder(prefix) {
  const keys = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return keys;
}

const usedMemory = async () => Number(/used_memory:(\d+)/.exec(await redis.info('memory'))[1]);

/** Bytes Redis spends on the keys under `prefix`, how many there are, and used_memory's growth. */
async function usage(prefix, usedBefore) {
  const keys = await keysUnder(prefix);
  let bytes = 0;
  for (const key of keys) bytes += Number(await redis.memory('USAGE', key, 'SAMPLES', '0'));
  return { keys: keys.length, bytes, grown: (await usedMemory()) - usedBefore };
}

async function receiveAll(violet, tag) {
  for (let i = 0; i < COUNT; i++) {
    const answer = await violet.receive({
      headers: { ...headers, 'x-violet-event-id': `${tag}-${i}` },
      body,
    });
    if (answer.status !== 200) throw new Error(`delivery ${i} answered ${answer.status}`);
  }
}

async function claims() {
  const prefix = `${PREFIX}:claims:`;
  const violet = violetWebhooks({
    secret: SECRET,
    dedupe: new RedisDedupeStore(redis, { prefix }),
  });
  violet.on('ORDER_SHIPPED', () => undefined);
  const before = await usedMemory();
  await receiveAll(violet, 'claim');
  return usage(prefix, before);
}

async function jobs() {
  const claimPrefix = `${PREFIX}:jobclaims:`;
  const name = 'violet-webhooks';
  const queue = bullmqQueue({ connection: redis, name, prefix: PREFIX });
  const violet = violetWebhooks({
    secret: SECRET,
    dedupe: new RedisDedupeStore(redis, { prefix: claimPrefix }),
    queue,
  });
  violet.on('error', (error) => console.error(error.code));
  const before = await usedMemory();
  await receiveAll(violet, 'job');
  const waiting = await usage(`${PREFIX}:`, before);
  const workerConnection = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const worker = createVioletWorker({
    connection: workerConnection,
    name,
    prefix: PREFIX,
    concurrency: 50,
  });
  let processed = 0;
  worker.on('*', () => void (processed += 1));
  while (processed < COUNT) await new Promise((resolve) => setTimeout(resolve, 50));
  await worker.close();
  await Promise.all([queue.close(), workerConnection.quit()]);
  return { waiting, completed: await usage(`${PREFIX}:`, before) };
}

async function cleanUp() {
  const keys = await keysUnder(`${PREFIX}:`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
}

const per = (bytes) => Math.round(bytes / COUNT);
try {
  const claim = await claims();
  await cleanUp();
  const queued = await jobs();
  const { redis_version: version } = Object.fromEntries(
    (await redis.info('server')).split('\r\n').map((line) => line.split(':')),
  );
  console.log(`Redis ${version}, ${COUNT} deliveries of a ${body.length}-byte body\n`);
  console.log('| what Redis keeps, per delivery | MEMORY USAGE | used_memory grew | kept for |');
  console.log('|---|---:|---:|---|');
  const row = (what, { bytes, grown }, kept) =>
    console.log(`| ${what} | ${per(bytes)} | ${per(grown)} | ${kept} |`);
  row('a claim (RedisDedupeStore)', claim, 'ttlMs (25 h)');
  row('queue mode: a waiting job, with the claim', queued.waiting, 'until processed');
  row('queue mode: a completed job and its claim', queued.completed, 'removeOnComplete (25 h)');
  console.log(
    `\n(${claim.keys} claim keys; ${queued.completed.keys} keys in queue mode after processing)`,
  );
} finally {
  await cleanUp();
  await redis.quit();
}
