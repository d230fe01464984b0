// `npm run bench:queue`: the durable hand-off, measured side by side in one run on the Redis at
// REDIS_URL (default redis://127.0.0.1:6379), under a key prefix of its own that it deletes.
//  1. Deliveries per second accepted at 4 KB: the middleware in queue mode against the same
//     middleware (RedisDedupeStore too) running an async listener in process. Target: >= 0.75.
//  2. Jobs per second: createVioletWorker with a listener that does nothing against a bare BullMQ
//     Worker with a processor that does nothing, on the same jobs. Target: >= 0.8.
// Each in ROUNDS rounds of alternating runs, after one uncounted warm-up round; a ratio is taken
// within a round, the median shown.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { createVioletWorker } from 'express-violet-webhooks/bullmq';
import { headersFor, orderOfSize } from './payloads.mjs';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const JOBS = Number(process.env.JOBS ?? 4000);
const SECRET = 'bench-queue-secret';
const PREFIX = `vwbench-${process.pid}`;
const body = orderOfSize(4 * 1024);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function startServer(kind) {
  const child = spawn(process.execPath, [new URL('./queue-server.mjs', import.meta.url).pathname], {
    env: { ...process.env, KIND: kind, SECRET, REDIS_URL, PREFIX },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve) => {
    child.stdout.on('data', (chunk) => {
      const match = /LISTENING (\d+)/.exec(chunk.toString());
      if (match) resolve({ child, port: Number(match[1]) });
    });
  });
}

/** Deliveries accepted (200) per second, 32 at a time over keep-alive, for SECONDS. */
async function load(port, tag) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const headers = headersFor('violet', body, SECRET);
  let accepted = 0;
  let sequence = 0;
  const until = Date.now() + SECONDS * 1000;
  const one = () =>
    new Promise((resolve) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          path: '/webhooks',
          method: 'POST',
          agent,
          headers: {
            ...headers,
            'content-length': body.length,
            'x-violet-event-id': `${tag}-${sequence++}`,
          },
        },
        (res) => {
          if (res.statusCode === 200) accepted += 1;
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', resolve);
      req.end(body);
    });
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (Date.now() < until) await one();
    }),
  );
  agent.destroy();
  return accepted / SECONDS;
}

/** Fills a queue with JOBS jobs as the middleware writes them. */
async function fill(name) {
  const queue = new Queue(name, { connection: new Redis(REDIS_URL), prefix: PREFIX });
  const headers = { 'x-violet-topic': 'ORDER_SHIPPED', 'x-violet-bag-id': '20000' };
  const text = body.toString();
  const jobs = Array.from({ length: JOBS }, (_, i) => ({
    name: 'ORDER_SHIPPED',
    data: {
      v: 1,
      body: text,
      headers: { ...headers, 'x-violet-event-id': `${name}-${i}` },
      receivedAt: new Date().toISOString(),
      secretIndex: 0,
    },
    opts: { jobId: `violet-${name}-${i}`, removeOnComplete: { age: 3600 } },
  }));
  for (let i = 0; i < jobs.length; i += 500) await queue.addBulk(jobs.slice(i, i + 500));
  return queue;
}

/** Jobs per second: from the worker's start until every job completed. */
async function drain(name, makeWorker) {
  const queue = await fill(name);
  let done = 0;
  const started = performance.now();
  const finished = new Promise((resolve) => {
    const worker = makeWorker(() => {
      done += 1;
      if (done === JOBS) resolve(worker);
    });
  });
  const worker = await finished;
  const seconds = (performance.now() - started) / 1000;
  await (worker.worker ?? worker).close();
  await queue.obliterate({ force: true });
  await queue.close();
  return JOBS / seconds;
}

const connection = () => new Redis(REDIS_URL, { maxRetriesPerRequest: null });
const bare = (onDone) => {
  const worker = new Worker('bare', async () => undefined, {
    connection: connection(),
    prefix: PREFIX,
    concurrency: 50,
  });
  worker.on('completed', onDone);
  return worker;
};
const violet = (onDone) => {
  const worker = createVioletWorker({
    connection: connection(),
    name: 'violet',
    prefix: PREFIX,
    concurrency: 50,
  });
  worker.on('*', () => undefined);
  worker.worker.on('completed', onDone);
  return worker;
};

const servers = { queued: await startServer('queued'), inProcess: await startServer('in-process') };
const accept = [];
const work = [];
try {
  // A round that is not counted: V8's compiles and the first connections would weigh on the first.
  await load(servers.queued.port, 'warm');
  await load(servers.inProcess.port, 'warm');
  await drain('violet', violet);
  await drain('bare', bare);
  for (let round = 0; round < ROUNDS; round++) {
    const order = round % 2 === 0 ? ['queued', 'inProcess'] : ['inProcess', 'queued'];
    const rps = {};
    for (const kind of order) rps[kind] = await load(servers[kind].port, `${kind}-${round}`);
    accept.push({ ...rps, ratio: rps.queued / rps.inProcess });
    const jobs = {};
    for (const kind of round % 2 === 0 ? ['violet', 'bare'] : ['bare', 'violet']) {
      jobs[kind] = await drain(kind, kind === 'violet' ? violet : bare);
    }
    work.push({ ...jobs, ratio: jobs.violet / jobs.bare });
    console.log(
      `round ${round + 1}: accepted/s queued ${rps.queued.toFixed(0)} in-process ${rps.inProcess.toFixed(0)}; jobs/s violet ${jobs.violet.toFixed(0)} bare ${jobs.bare.toFixed(0)}`,
    );
  }
} finally {
  for (const { child } of Object.values(servers)) child.kill();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
}
const a = median(accept.map((r) => r.ratio));
const w = median(work.map((r) => r.ratio));
console.log(`
| measure (4 KB orders, median of ${ROUNDS} rounds) | this package | baseline | ratio | target |
|---|---:|---:|---:|---:|
| deliveries accepted per second: queue mode vs in-process listener | ${median(accept.map((r) => r.queued)).toFixed(0)} | ${median(accept.map((r) => r.inProcess)).toFixed(0)} | ${a.toFixed(2)}x | >= 0.75x |
| jobs per second: createVioletWorker vs bare BullMQ Worker | ${median(work.map((r) => r.violet)).toFixed(0)} | ${median(work.map((r) => r.bare)).toFixed(0)} | ${w.toFixed(2)}x | >= 0.80x |`);
process.exit(0);
