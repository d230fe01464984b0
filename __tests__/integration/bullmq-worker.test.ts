import express from 'express';
import { violetWebhooks, type OrderEvent, type VioletWebhookError } from '../../lib';
import {
  bullmqQueue,
  createVioletWorker,
  PermanentError,
  type VioletJob,
  type VioletJobOptions,
  type VioletQueue,
  type VioletWorker,
} from '../../lib/bullmq';
import { samplePayload } from '../../lib/testing';
import { deliver, PATH } from '../helpers/apps';
import { cli } from '../helpers/cli';
import { connectionOf, dropPrefix, testPrefix } from '../helpers/bullmq';
import { until } from '../helpers/wait';
import { SECRET, delivery } from '../helpers/deliveries';
import { sleep } from '../helpers/wait';
import { describeWithSharedRedis } from '../helpers/redis';

const FAST_RETRIES: VioletJobOptions = { attempts: 3, backoff: { type: 'fixed', delay: 50 } };

describeWithSharedRedis('BullMQ queue and worker on a real Redis', (url) => {
  const connection = connectionOf(url);
  let prefix: string;
  let queue: VioletQueue;
  let workers: VioletWorker[];

  function setup(jobOptions: VioletJobOptions = FAST_RETRIES) {
    queue = bullmqQueue({ connection, name: 'violet', prefix, jobOptions });
    const app = express();
    app.post(PATH, violetWebhooks({ secret: SECRET, queue }));
    const send = (d: ReturnType<typeof delivery>) => deliver(app, d);
    return { send };
  }

  function worker(): VioletWorker & { errors: VioletWebhookError[] } {
    const w = createVioletWorker({ connection, name: 'violet', prefix, concurrency: 4 });
    const errors: VioletWebhookError[] = [];
    w.on('error', (error) => void errors.push(error));
    workers.push(w);
    return Object.assign(w, { errors });
  }

  /** Adds a job by hand, as another version or a person might, and waits until it has failed. */
  async function failedJob(jobId: string, data: unknown) {
    await queue.queue.add('ORDER_SHIPPED', data, { jobId, attempts: 3 });
    await until(async () => (await queue.queue.getJob(jobId))?.finishedOn !== undefined);
    return queue.queue.getJob(jobId);
  }

  beforeEach(() => {
    prefix = testPrefix();
    workers = [];
  });
  afterEach(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await queue?.close();
    await dropPrefix(url, prefix);
  });

  test('a 340 KB order goes through the queue; the worker resolves bag and line item as the middleware does', async () => {
    const { send } = setup();
    const order = samplePayload('ORDER_SHIPPED');
    const bag = order.bags[0]!;
    // Grow the order to about 340 KB with more bags; the changed bag is the last one.
    const bags = Array.from({ length: 220 }, (_, i) => ({
      ...bag,
      id: 50_000 + i,
      skus: bag.skus,
    }));
    const big = { ...order, bags: [...bags, bag] };
    const body = JSON.stringify(big);
    expect(body.length).toBeGreaterThan(300_000);
    const seen: Array<[OrderEvent, VioletJob]> = [];
    const w = worker();
    w.on('ORDER_SHIPPED', (event, job) => void seen.push([event, job]));
    const d = delivery('ORDER_SHIPPED', {
      payload: body,
      bagId: bag.id,
      skuId: bag.skus![1]!.sku_id,
      eventId: '340001',
    });
    await send(d).expect(200, { received: true });
    await until(() => seen.length === 1);
    const [[event, job]] = seen as [[OrderEvent, VioletJob]];
    expect(event).toMatchObject({
      type: 'ORDER_SHIPPED',
      id: '340001',
      orderId: order.id,
      bagId: bag.id,
    });
    expect(event.bag).toEqual(bag);
    expect(event.sku).toEqual(bag.skus![1]);
    expect(job).toEqual({
      id: 'violet-340001',
      name: 'ORDER_SHIPPED',
      attempt: 1,
      maxAttempts: 3,
    });
    const stored = await queue.queue.getJob('violet-340001');
    expect(stored?.data.body).toBe(body);
    expect(JSON.stringify(stored?.data)).not.toContain(d.headers['x-violet-hmac']);
  });

  test("the worker's event carries event.stale as the middleware's claim found it", async () => {
    const { send } = setup();
    const seen = new Map<string, boolean | undefined>();
    const w = worker();
    w.on('*', (event) => void seen.set(event.id, event.stale));
    await send(delivery('ORDER_UPDATED', { eventId: 'stale-new' })).expect(200);
    await send(
      delivery('ORDER_UPDATED', { eventId: 'stale-old', lastModified: '2025-04-08T16:00:00Z' }),
    ).expect(200);
    await until(() => seen.size === 2);
    expect(Object.fromEntries(seen)).toEqual({ 'stale-new': false, 'stale-old': true });
    expect((await queue.queue.getJob('violet-stale-old'))?.data.stale).toBe(true);
  });

  test('a listener that fails twice then succeeds: processed once, two errors', async () => {
    const { send } = setup();
    const w = worker();
    let calls = 0;
    let done = 0;
    w.on('MERCHANT_CONNECTED', () => {
      calls += 1;
      if (calls < 3) throw new Error(`flaky ${calls}`);
      done += 1;
    });
    await send(delivery('MERCHANT_CONNECTED', { eventId: '777' })).expect(200);
    await until(async () => (await queue.queue.getJob('violet-777'))?.finishedOn !== undefined);
    expect(done).toBe(1);
    expect(w.errors.map((e) => [e.code, e.eventId, e.attempt])).toEqual([
      ['LISTENER_FAILED', '777', 1],
      ['LISTENER_FAILED', '777', 2],
    ]);
    expect(await (await queue.queue.getJob('violet-777'))?.getState()).toBe('completed');
  });

  test('a PermanentError fails the job at once', async () => {
    const { send } = setup();
    const w = worker();
    let calls = 0;
    w.on('TRANSFER_SENT', () => {
      calls += 1;
      throw new PermanentError('no such payout account');
    });
    await send(delivery('TRANSFER_SENT', { eventId: '778' })).expect(200);
    await until(async () => (await queue.queue.getJob('violet-778'))?.failedReason !== undefined);
    await sleep(300);
    expect(calls).toBe(1);
    expect(w.errors.map((e) => [e.code, e.attempt])).toEqual([['RETRIES_EXHAUSTED', 1]]);
    expect(await (await queue.queue.getJob('violet-778'))?.getState()).toBe('failed');
  });

  test('retries exhausted: RETRIES_EXHAUSTED, the job kept; retryFailed runs it again', async () => {
    const { send } = setup({ attempts: 2, backoff: { type: 'fixed', delay: 50 } });
    const w = worker();
    let healthy = false;
    let done = 0;
    w.on('*', () => {
      if (!healthy) throw new Error('database down');
      done += 1;
    });
    await send(delivery('OFFER_UPDATED', { eventId: '779' })).expect(200);
    await until(() => w.errors.some((e) => e.code === 'RETRIES_EXHAUSTED'));
    expect(w.errors.map((e) => e.code)).toEqual(['LISTENER_FAILED', 'RETRIES_EXHAUSTED']);
    expect(await (await queue.queue.getJob('violet-779'))?.getState()).toBe('failed');
    expect(await queue.counts()).toMatchObject({ failed: 1 });
    const where = ['--redis', url, '--name', 'violet', '--prefix', prefix];
    const stats = await cli(['queue', 'stats', '--json', ...where]);
    expect(JSON.parse(stats.stdout)).toMatchObject({ failed: 1, completed: 0 });
    const failed = await cli(['queue', 'failed', ...where]);
    expect(failed.stdout).toMatch(/violet-779\s+OFFER_UPDATED\s+2\s+\S+\s+database down/);
    expect(await queue.failed()).toEqual([
      {
        id: 'violet-779',
        eventId: '779',
        type: 'OFFER_UPDATED',
        attempts: 2,
        failedAt: expect.any(Date),
        reason: 'database down',
      },
    ]);
    expect(await queue.failed(0)).toEqual([]);
    healthy = true;
    const retry = await cli(['queue', 'retry', '--event-id', '779', ...where]);
    expect(retry).toMatchObject({ code: 0, stdout: '1 failed job queued again.\n' });
    await until(() => done === 1);
    expect(await queue.retryFailed({ all: true })).toBe(0);
    expect((await cli(['queue', 'retry', '--event-id', '779', ...where])).code).toBe(1);
    expect((await cli(['queue', 'retry', ...where])).code).toBe(2);
  });

  test('`queue retry --all` and retryFailed({ all: true }) run every failed job again', async () => {
    const { send } = setup();
    const w = worker();
    let healthy = false;
    const done: string[] = [];
    w.on('*', (event) => {
      if (!healthy) throw new PermanentError('not yet');
      done.push(event.id);
    });
    for (const eventId of ['791', '792', '793']) {
      await send(delivery('OFFER_UPDATED', { eventId })).expect(200);
    }
    await until(() => w.errors.filter((e) => e.code === 'RETRIES_EXHAUSTED').length === 3);
    expect(await queue.counts()).toMatchObject({ failed: 3 });
    healthy = true;
    const where = ['--redis', url, '--name', 'violet', '--prefix', prefix];
    const retry = await cli(['queue', 'retry', '--all', ...where]);
    expect(retry).toMatchObject({ code: 0, stdout: '3 failed jobs queued again.\n' });
    await until(() => done.length === 3);
    expect([...done].sort()).toEqual(['791', '792', '793']);
    expect(await queue.counts()).toMatchObject({ failed: 0, completed: 3 });

    healthy = false;
    await send(delivery('OFFER_UPDATED', { eventId: '794' })).expect(200);
    await until(() => w.errors.filter((e) => e.code === 'RETRIES_EXHAUSTED').length === 4);
    healthy = true;
    expect(await queue.retryFailed({ all: true })).toBe(1);
    await until(() => done.includes('794'));
    expect(await queue.counts()).toMatchObject({ failed: 0, completed: 4 });
  });

  test('a duplicate while the job waits, while it runs and after it completed: one run', async () => {
    const { send } = setup();
    const d = delivery('ORDER_UPDATED', { eventId: '780' });
    await send(d).expect(200, { received: true });
    await send(d).expect(200, { received: true, duplicate: true }); // waiting: no worker yet
    let runs = 0;
    let release!: () => void;
    const running = new Promise<void>((resolve) => (release = resolve));
    const w = worker();
    w.on('ORDER_UPDATED', async () => {
      runs += 1;
      await running;
    });
    await until(() => runs === 1);
    await send(d).expect(200, { received: true, duplicate: true }); // running
    release();
    await until(async () => (await queue.queue.getJob('violet-780'))?.finishedOn !== undefined);
    await send(d).expect(200, { received: true, duplicate: true }); // completed
    // Even past the claim store (a new middleware, its own memory): the job id holds.
    const fresh = express();
    fresh.post(PATH, violetWebhooks({ secret: SECRET, queue }));
    await deliver(fresh, d).expect(200, { received: true });
    await sleep(300);
    expect(runs).toBe(1);
  });

  test('a body that no longer validates fails at once with SCHEMA_MISMATCH, no listener called', async () => {
    setup();
    const w = worker();
    let calls = 0;
    w.on('*', () => void (calls += 1));
    const job = await failedJob('violet-790', {
      v: 1,
      body: '{"id":"not-a-number","bags":[]}',
      headers: { 'x-violet-topic': 'ORDER_SHIPPED', 'x-violet-event-id': '790' },
      receivedAt: new Date().toISOString(),
      secretIndex: 0,
    });
    expect(await job?.getState()).toBe('failed');
    expect(job?.attemptsMade).toBe(1);
    expect(w.errors.map((e) => [e.code, e.eventId])).toEqual([['SCHEMA_MISMATCH', '790']]);
    expect(calls).toBe(0);
  });

  test('a job whose data this version cannot read fails at once, reported as RETRIES_EXHAUSTED', async () => {
    setup();
    const w = worker();
    let calls = 0;
    w.on('*', () => void (calls += 1));
    const job = await failedJob('violet-evt%3A795', { v: 2, payload: '{}' });
    expect(await job?.getState()).toBe('failed');
    await until(() => w.errors.length > 0);
    const [error] = w.errors;
    expect([error?.code, error?.eventId, error?.eventType]).toEqual([
      'RETRIES_EXHAUSTED',
      'evt:795',
      'ORDER_SHIPPED',
    ]);
    expect(error?.message).toMatch(/job violet-evt%3A795 failed for good: .*unknown format/);
    expect(calls).toBe(0);
  });

  test('close({ timeoutMs }) waits no longer than that for a running job', async () => {
    const { send } = setup();
    const w = worker();
    let started = false;
    w.on('ORDER_SHIPPED', async () => {
      started = true;
      await sleep(1500);
    });
    await send(delivery('ORDER_SHIPPED', { eventId: '791' })).expect(200);
    await until(() => started);
    const closing = Date.now();
    await w.close({ timeoutMs: 200 });
    expect(Date.now() - closing).toBeLessThan(1200);
  });

  test('close() lets a running job finish', async () => {
    const { send } = setup();
    const w = worker();
    let finished = false;
    let started = false;
    w.on('ORDER_SHIPPED', async () => {
      started = true;
      await sleep(400);
      finished = true;
    });
    await send(delivery('ORDER_SHIPPED', { eventId: '781' })).expect(200);
    await until(() => started);
    await w.close();
    expect(finished).toBe(true);
    expect(await (await queue.queue.getJob('violet-781'))?.getState()).toBe('completed');
  });
});

test('retention by count is refused', () => {
  expect(() =>
    bullmqQueue({
      connection: { host: '127.0.0.1', port: 1 },
      name: 'q',
      jobOptions: { removeOnComplete: 100 as never },
    }),
  ).toThrow(/age/);
});
