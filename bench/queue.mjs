// `npm run bench:queue`: the durable hand-off, measured side by side in one run on the Redis at
// REDIS_URL (default redis://127.0.0.1:6379), under a key prefix of its own that it deletes.
//  1. Deliveries per second accepted at 4 KB: the middleware in queue mode against the same
//     middleware (RedisDedupeStore too) whose in-process listener adds the same job with BullMQ's
//     own Queue.add, the least a durable hand-off costs without this package. Target: >= 0.97.
//  2. Jobs per second: createVioletWorker with a listener that does nothing against a bare BullMQ
//     Worker with a processor that does nothing, on the same jobs. Target: >= 0.8.
// More runs show where the cost is: the middleware with a listener that does nothing in process,
// and a bare Worker whose processor parses the body (the least a worker must do to rebuild the
// event). Each in ROUNDS rounds of runs in rotating order, after one uncounted warm-up round; a
// ratio is taken within a round, the median shown. The two targets are printed first, then the
// table, then each round.
import { Queue, Worker } from 'bullmq';
import Redis from 'ioredis';
import { acceptedPerSecond, median, rotated, startServer as start } from './accepted.mjs';
import { orderOfSize } from './payloads.mjs';
import { underTest } from './under-test.mjs';

const { createVioletWorker } = underTest('bullmq');

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = Number(process.env.ROUNDS ?? 5);
const SECONDS = Number(process.env.SECONDS ?? 3);
const JOBS = Number(process.env.JOBS ?? 4000);
const SECRET = 'bench-queue-secret';
const PREFIX = `vwbench-${process.pid}`;
const body = orderOfSize(4 * 1024);

const startServer = (kind) =>
  start('./queue-server.mjs', { KIND: kind, SECRET, REDIS_URL, PREFIX });
const load = (port, tag) =>
  acceptedPerSecond({ port, body, secret: SECRET, tag, seconds: SECONDS });

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
/** A bare BullMQ Worker on queue `name` running `processor`. */
const bareWorker = (name, processor) => (onDone) => {
  const worker = new Worker(name, processor, {
    connection: connection(),
    prefix: PREFIX,
    concurrency: 50,
  });
  worker.on('completed', onDone);
  return worker;
};
const bare = bareWorker('bare', async () => undefined);
const parses = bareWorker('parses', async (job) => void JSON.parse(job.data.body));
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

const servers = {
  queued: await startServer('queued'),
  inProcess: await startServer('in-process'),
  listenerAdds: await startServer('listener-adds'),
};
const workers = { violet, bare, parses };
const accept = [];
const work = [];
const progress = [];
try {
  // A round that is not counted: V8's compiles and the first connections would weigh on the first.
  for (const kind of Object.keys(servers)) await load(servers[kind].port, `warm-${kind}`);
  for (const [name, make] of Object.entries(workers)) await drain(name, make);
  for (let round = 0; round < ROUNDS; round++) {
    const rps = {};
    for (const kind of rotated(Object.keys(servers), round))
      rps[kind] = await load(servers[kind].port, `${kind}-${round}`);
    accept.push(rps);
    const jobs = {};
    for (const name of rotated(Object.keys(workers), round))
      jobs[name] = await drain(name, workers[name]);
    work.push(jobs);
    progress.push(
      `round ${round + 1}: accepted/s queued ${rps.queued.toFixed(0)} in-process ${rps.inProcess.toFixed(0)} listener-adds ${rps.listenerAdds.toFixed(0)}; jobs/s violet ${jobs.violet.toFixed(0)} bare ${jobs.bare.toFixed(0)} parses ${jobs.parses.toFixed(0)}`,
    );
  }
} finally {
  for (const { child } of Object.values(servers)) child.kill();
  const redis = new Redis(REDIS_URL);
  // In batches: the jobs of every run, too many keys for one command's arguments.
  const keys = await redis.keys(`${PREFIX}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  redis.disconnect();
}
const ratioOf = (rounds, of, to) => median(rounds.map((r) => r[of] / r[to]));
/** A table row: medians of both runs, and the median of the ratios taken within rounds. */
function row(label, rounds, of, to, target = '') {
  const m = (kind) => median(rounds.map((r) => r[kind])).toFixed(0);
  return `| ${label} | ${m(of)} | ${m(to)} | ${ratioOf(rounds, of, to).toFixed(2)}x | ${target} |`;
}
console.log(
  `queue mode / a listener that adds the job with Queue.add: ${ratioOf(accept, 'queued', 'listenerAdds').toFixed(2)}x deliveries per second (target >= 0.97x)`,
);
console.log(
  `createVioletWorker / a bare BullMQ Worker: ${ratioOf(work, 'violet', 'bare').toFixed(2)}x jobs per second (target >= 0.80x)`,
);
console.log(`
| measure (4 KB orders, median of ${ROUNDS} rounds) | this | baseline | ratio | target |
|---|---:|---:|---:|---:|
${row('deliveries accepted per second: queue mode vs a listener that adds the job with Queue.add', accept, 'queued', 'listenerAdds', '>= 0.97x')}
${row('jobs per second: createVioletWorker vs bare BullMQ Worker', work, 'violet', 'bare', '>= 0.80x')}
${row('where it goes: queue mode vs in-process listener', accept, 'queued', 'inProcess')}
${row('where it goes: a listener that adds the job with Queue.add vs in-process listener', accept, 'listenerAdds', 'inProcess')}
${row('where it goes: bare Worker that parses the body vs bare Worker', work, 'parses', 'bare')}
${row('where it goes: createVioletWorker vs bare Worker that parses the body', work, 'violet', 'parses')}
`);
for (const line of progress) console.log(line);
process.exit(0);
