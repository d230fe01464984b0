// Load test (not a timed test): tens of thousands of signed deliveries, ~20% of them copies of
// an event already sent (some while the first copy is still being processed), at high
// concurrency, against the middleware in another process. Reports whether every event was
// processed exactly once, the 5xx count, deliveries per second, and the server's memory.
//
//   npm run load-test -- [--deliveries 40000] [--concurrency 128] [--store memory|redis]
import { spawn } from 'node:child_process';
import http from 'node:http';
import { parseArgs } from 'node:util';
import { underTest } from './under-test.mjs';

const { createDelivery } = underTest('testing');

const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '40000' },
    concurrency: { type: 'string', default: '128' },
    store: { type: 'string', default: 'memory' },
    duplicates: { type: 'string', default: '0.2' },
  },
});
const total = Number(values.deliveries);
const concurrency = Number(values.concurrency);
const duplicateShare = Number(values.duplicates);
const secret = 'load-test-secret';

const server = spawn(
  process.execPath,
  ['--expose-gc', new URL('./load-server.mjs', import.meta.url).pathname],
  {
    env: { ...process.env, SECRET: secret, STORE: values.store, LIST_IDS: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  },
);
const port = await new Promise((resolve, reject) => {
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  server.stdout.on('data', (chunk) => {
    const match = /LISTENING (\d+)/.exec(chunk.toString());
    if (match) resolve(Number(match[1]));
  });
});

const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
function request(method, path, headers = {}, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString() }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}
const stats = async () => {
  await request('GET', '/gc');
  return JSON.parse((await request('GET', '/stats')).body);
};

// One signed body; each event gets its own id (the signature covers the body only).
const template = createDelivery({ type: 'ORDER_SHIPPED', secret, eventId: 'template' });
const body = Buffer.from(template.body);
const plan = [];
const distinct = [];
let seed = 42;
const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
for (let i = 0; i < total; i++) {
  if (distinct.length > 0 && random() < duplicateShare) {
    // Mostly a recent id (often still in flight), sometimes an old one (already done).
    const back =
      random() < 0.7
        ? Math.floor(random() * Math.min(concurrency, distinct.length))
        : Math.floor(random() * distinct.length);
    plan.push(distinct[distinct.length - 1 - back]);
  } else {
    const id = `${1_000_000_000 + i}`;
    distinct.push(id);
    plan.push(id);
  }
}

const before = await stats();
const statuses = new Map();
const pendingRetry = new Set();
let next = 0;
const started = process.hrtime.bigint();
async function worker() {
  while (next < plan.length) {
    const id = plan[next++];
    const res = await request(
      'POST',
      '/webhooks/violet',
      { ...template.headers, 'x-violet-event-id': id, 'content-length': String(body.length) },
      body,
    );
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    if (res.status !== 200) pendingRetry.add(id);
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

// Violet retries what was not answered 2xx: send each such id again until it is.
let retries = 0;
for (let round = 0; round < 5 && pendingRetry.size > 0; round++) {
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (const id of [...pendingRetry]) {
    retries += 1;
    const res = await request(
      'POST',
      '/webhooks/violet',
      { ...template.headers, 'x-violet-event-id': id, 'content-length': String(body.length) },
      body,
    );
    if (res.status === 200) pendingRetry.delete(id);
  }
}
const after = await stats();
server.kill('SIGTERM');
agent.destroy();

const processedIds = new Set(after.ids);
const missing = distinct.filter((id) => !processedIds.has(id)).length;
const fiveXX = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log(
  `store: ${values.store}, deliveries: ${total}, distinct events: ${distinct.length}, copies: ${total - distinct.length}, concurrency: ${concurrency}, body: ${body.length} bytes`,
);
console.log(
  `answers: ${[...statuses]
    .sort()
    .map(([s, c]) => `${s} x${c}`)
    .join(', ')}; 5xx: ${fiveXX}`,
);
console.log(`deliveries per second: ${Math.round(total / seconds)} (${seconds.toFixed(2)} s)`);
console.log(`retries of 409 answers until 200: ${retries}`);
console.log(
  `events processed: ${after.processed} of ${distinct.length}; processed more than once: ${after.processedMoreThanOnce}; never processed: ${missing}`,
);
console.log(
  `server memory: rss ${mb(before.rss)} -> ${mb(after.rss)}, heap ${mb(before.heapUsed)} -> ${mb(after.heapUsed)}`,
);
const ok =
  fiveXX === 0 &&
  missing === 0 &&
  after.processedMoreThanOnce === 0 &&
  after.processed === distinct.length;
console.log(
  ok
    ? 'every event processed exactly once, no 5xx'
    : 'FAILED: not every event was processed exactly once, or a 5xx was answered',
);
process.exit(ok ? 0 : 1);
