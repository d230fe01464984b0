import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Redis from 'ioredis';
import { postTo } from '../helpers/apps';
import { Child } from '../helpers/child';
import { testPrefix } from '../helpers/bullmq';
import { until } from '../helpers/wait';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithRedis, OwnRedis, redisServerBinary } from '../helpers/redis';
import { freePort } from '../helpers/ports';

const ENQUEUE_TIMEOUT = 1000;
type Delivery = ReturnType<typeof delivery>;

const post = (port: number, d: Delivery) => postTo(port, d);

// Redis itself stopped and started again: a redis-server of the test's own, keeping its data in
// an append-only file (never the shared one on 6379, which keeps nothing).
describeWithRedis(
  'the queue through a Redis outage',
  redisServerBinary,
  'a redis-server binary',
  () => {
    let dir: string;
    let redis: OwnRedis;
    let children: Child[];

    beforeEach(async () => {
      dir = mkdtempSync(path.join(tmpdir(), 'violet-redis-'));
      redis = new OwnRedis(await freePort(), dir);
      children = [];
    });
    afterEach(async () => {
      for (const child of children) child.kill('SIGKILL');
      await Promise.all(children.map((c) => c.exited));
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    const spawnChild = (script: string, env: Record<string, string>) => {
      const child = new Child(script, { QUEUE_PORT: String(redis.port), SECRET, ...env });
      children.push(child);
      return child;
    };
    const dones = (id: string) =>
      children.reduce((n, c) => n + c.count(new RegExp(`^DONE ${id} `)), 0);

    test('503 QUEUE_UNAVAILABLE within enqueueTimeout while Redis is down; afterwards nothing is lost', async () => {
      const prefix = testPrefix();
      await redis.start();
      const web = spawnChild('queue-web.ts', {
        PREFIX: prefix,
        ENQUEUE_TIMEOUT: String(ENQUEUE_TIMEOUT),
      });
      // One job at a time, slowly, so that jobs still wait when Redis goes away.
      const worker = spawnChild('queue-worker.ts', {
        PREFIX: prefix,
        CONCURRENCY: '1',
        SLOW_MS: '100',
        ALL_SLOW: '1',
        LOCK_MS: '2000',
      });
      const port = await web.ready;
      await worker.ready;

      const before = Array.from({ length: 20 }, (_, i) =>
        delivery('ORDER_UPDATED', { eventId: `before-${i}` }),
      );
      for (const d of before) expect((await post(port, d)).status).toBe(200);
      await redis.stop();
      expect(dones('before-19')).toBe(0); // most of them still wait

      const during = Array.from({ length: 5 }, (_, i) =>
        delivery('ORDER_UPDATED', { eventId: `during-${i}` }),
      );
      for (const d of during) {
        const answer = await post(port, d);
        expect(answer).toMatchObject({ status: 503, code: 'QUEUE_UNAVAILABLE' });
        expect(answer.ms).toBeLessThan(ENQUEUE_TIMEOUT + 1500);
      }
      // A web process started while Redis is down answers within the deadline too, and never hangs.
      const late = spawnChild('queue-web.ts', {
        PREFIX: prefix,
        ENQUEUE_TIMEOUT: String(ENQUEUE_TIMEOUT),
      });
      const latePort = await late.ready;
      const first = await post(latePort, delivery('ORDER_UPDATED', { eventId: 'late-0' }));
      expect(first).toMatchObject({ status: 503, code: 'QUEUE_UNAVAILABLE' });
      expect(first.ms).toBeLessThan(ENQUEUE_TIMEOUT + 1500);

      await redis.start();
      // Violet retries what got 503: now it is queued.
      await until(async () => (await post(port, during[0] as Delivery)).status === 200, 20_000);
      for (const d of during.slice(1)) expect((await post(port, d)).status).toBe(200);
      expect((await post(latePort, delivery('ORDER_UPDATED', { eventId: 'late-1' }))).status).toBe(
        200,
      );

      const ids = [...before, ...during].map((d) => d.headers['x-violet-event-id'] as string);
      await until(() => [...ids, 'late-1'].every((id) => dones(id) >= 1), 45_000);
    }, 90_000);

    test('a full Redis (noeviction) refuses the claim: 503, nothing queued; freed, the retry is processed once', async () => {
      const prefix = testPrefix();
      await redis.start();
      const admin = new Redis(redis.port, '127.0.0.1');
      try {
        const url = `redis://127.0.0.1:${redis.port}`;
        const web = spawnChild('queue-web.ts', { PREFIX: prefix, DEDUPE_URL: url });
        const worker = spawnChild('queue-worker.ts', { PREFIX: prefix });
        const port = await web.ready;
        await worker.ready;
        await admin.config('SET', 'maxmemory-policy', 'noeviction');
        await admin.config('SET', 'maxmemory', '1'); // full: every write is refused with OOM
        const d = delivery('ORDER_SHIPPED', { eventId: 'when-full' });
        expect(await post(port, d)).toMatchObject({ status: 503, code: 'DEDUPE_UNAVAILABLE' });
        expect(await post(port, d)).toMatchObject({ status: 503, code: 'DEDUPE_UNAVAILABLE' });
        await admin.config('SET', 'maxmemory', '0');
        expect(await post(port, d)).toMatchObject({ status: 200 });
        await worker.waitFor(/^DONE when-full /);
        expect(await post(port, d)).toMatchObject({ status: 200 });
        expect(worker.count(/^RUN when-full /)).toBe(1);
      } finally {
        admin.disconnect();
      }
    }, 60_000);
  },
);
