import { Queue } from 'bullmq';
import { postTo } from '../helpers/apps';
import { Child } from '../helpers/child';
import { connectionOf, dropPrefix, testPrefix } from '../helpers/bullmq';
import { atMost, until } from '../helpers/wait';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithSharedRedis } from '../helpers/redis';

type Delivery = ReturnType<typeof delivery>;

const post = async (port: number, d: Delivery): Promise<number> => (await postTo(port, d)).status;

describeWithSharedRedis('the queue across processes, on a real Redis', (url) => {
  const { port: redisPort } = connectionOf(url);
  let prefix: string;
  let children: Child[];

  const web = () => {
    const child = new Child('queue-web.ts', {
      QUEUE_PORT: String(redisPort),
      DEDUPE_URL: url,
      PREFIX: prefix,
      SECRET,
    });
    children.push(child);
    return child;
  };
  const worker = (env: Record<string, string> = {}) => {
    const child = new Child('queue-worker.ts', {
      QUEUE_PORT: String(redisPort),
      PREFIX: prefix,
      ...env,
    });
    children.push(child);
    return child;
  };
  const runs = (id: string) => children.reduce((n, c) => n + c.count(new RegExp(`^RUN ${id} `)), 0);
  const dones = (id: string) =>
    children.reduce((n, c) => n + c.count(new RegExp(`^DONE ${id} `)), 0);

  beforeEach(() => {
    prefix = testPrefix();
    children = [];
  });
  afterEach(async () => {
    for (const child of children) child.kill('SIGKILL');
    await Promise.all(children.map((c) => c.exited));
    await dropPrefix(url, prefix);
  });

  test('two web processes and two workers: 2,000 deliveries, a fifth copies, one job and one run per event', async () => {
    const [web1, web2, worker1, worker2] = [web(), web(), worker(), worker()];
    const [port1, port2] = await Promise.all([web1.ready, web2.ready]);
    await Promise.all([worker1.ready, worker2.ready]);
    const originals = Array.from({ length: 1600 }, (_, i) =>
      delivery('ORDER_UPDATED', { eventId: `e${i}` }),
    );
    const tasks: Array<() => Promise<number[]>> = originals.map((d, i) => async () => [
      await post(i % 2 === 0 ? port1 : port2, d),
    ]);
    for (let i = 0; i < 400; i++) {
      const copy = originals[(i * 7) % originals.length] as Delivery;
      // Every other copy goes to both web processes at the same moment.
      tasks.push(async () =>
        i % 2 === 0
          ? Promise.all([post(port1, copy), post(port2, copy)])
          : [await post(i % 4 === 1 ? port1 : port2, copy)],
      );
    }
    tasks.sort(() => Math.random() - 0.5);
    const statuses = (await atMost(32, tasks)).flat();
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    expect(statuses.filter((s) => s !== 200 && s !== 409)).toEqual([]);
    await until(
      () => originals.every((d) => dones(d.headers['x-violet-event-id'] as string) === 1),
      60_000,
    );
    for (const d of originals) expect(runs(d.headers['x-violet-event-id'] as string)).toBe(1);
    expect(worker1.count(/^RUN /)).toBeGreaterThan(0);
    expect(worker2.count(/^RUN /)).toBeGreaterThan(0);
    const queue = new Queue('violet', { connection: connectionOf(url), prefix });
    try {
      expect(await queue.getJobCounts('completed', 'failed', 'waiting', 'active')).toEqual({
        completed: 1600,
        failed: 0,
        waiting: 0,
        active: 0,
      });
    } finally {
      await queue.close();
    }
  }, 120_000);

  test('kill -9 of a worker in the middle of a listener: the other runs the job once its lock expires', async () => {
    const env = { LOCK_MS: '1500', SLOW_MS: '2000' };
    const [w, workerA, workerB] = [web(), worker(env), worker(env)];
    const port = await w.ready;
    await Promise.all([workerA.ready, workerB.ready]);
    expect(await post(port, delivery('ORDER_SHIPPED', { eventId: 'slow-kill' }))).toBe(200);
    await until(() => runs('slow-kill') === 1);
    const holder = workerA.count(/^RUN slow-kill /) === 1 ? workerA : workerB;
    const other = holder === workerA ? workerB : workerA;
    holder.kill('SIGKILL');
    await other.waitFor(/^DONE slow-kill /, 30_000);
    expect(holder.count(/^DONE slow-kill /)).toBe(0);
  }, 60_000);

  test('a job whose workers die under it twice fails for good, and the worker that fails it says so', async () => {
    // BullMQ runs a stalled job again once (maxStalledCount 1); the second stall fails it.
    const env = { LOCK_MS: '1000', SLOW_MS: '60000' };
    const [w, ...workers] = [web(), worker(env), worker(env), worker(env)];
    const port = await w.ready;
    await Promise.all(workers.map((c) => c.ready));
    expect(await post(port, delivery('ORDER_SHIPPED', { eventId: 'slow-twice' }))).toBe(200);
    const holderOf = () => workers.find((c) => c.count(/^RUN slow-twice /) === 1 && !c.killed);
    for (const run of [1, 2]) {
      await until(() => runs('slow-twice') === run, 30_000);
      holderOf()?.kill('SIGKILL');
    }
    const [last] = workers.filter((c) => !c.killed);
    await last?.waitFor(/^ERROR RETRIES_EXHAUSTED slow-twice$/, 30_000);
    expect(runs('slow-twice')).toBe(2);
    const queue = new Queue('violet', { connection: connectionOf(url), prefix });
    try {
      const job = await queue.getJob('violet-slow-twice');
      expect(await job?.getState()).toBe('failed');
      expect(job?.failedReason).toBe('job stalled more than allowable limit');
    } finally {
      await queue.close();
    }
  }, 90_000);

  test('SIGTERM during a job: close() lets it finish, and the worker exits without a stall', async () => {
    const [w, lone] = [web(), worker({ SLOW_MS: '1500', LOCK_MS: '30000' })];
    const port = await w.ready;
    await lone.ready;
    expect(await post(port, delivery('ORDER_SHIPPED', { eventId: 'slow-term' }))).toBe(200);
    await lone.waitFor(/^RUN slow-term /);
    const started = Date.now();
    lone.kill('SIGTERM');
    expect(await lone.exited).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    const order = lone.lines
      .filter((l) => /^(DONE slow-term|CLOSED)/.test(l))
      .map((l) => l.split(' ')[0]);
    expect(order).toEqual(['DONE', 'CLOSED']);
    const queue = new Queue('violet', { connection: connectionOf(url), prefix });
    try {
      expect(await (await queue.getJob('violet-slow-term'))?.getState()).toBe('completed');
    } finally {
      await queue.close();
    }
  }, 60_000);
});
