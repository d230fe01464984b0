import express from 'express';
import Redis from 'ioredis';
import { violetWebhooks } from '../../lib';
import { RedisDedupeStore } from '../../lib/redis';
import { deliver, PATH } from '../helpers/apps';
import { connectionOf } from '../helpers/bullmq';
import { until } from '../helpers/wait';
import { SECRET, delivery } from '../helpers/deliveries';
import { describeWithSharedRedis } from '../helpers/redis';
import { SlowProxy } from '../helpers/slow-proxy';

// A web process that has just started, with the README's client: deliveries that arrive before
// its Redis connection is ready wait for it (within the store's deadline) instead of failing.
describeWithSharedRedis('a web process whose Redis connection is not ready yet', (url) => {
  let proxy: SlowProxy;
  let port: number;
  const clients: Redis[] = [];

  beforeEach(async () => {
    proxy = new SlowProxy(connectionOf(url), 400);
    port = await proxy.listen();
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.disconnect();
    await proxy.close();
  });

  function start(commandTimeoutMs?: number) {
    const redis = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false });
    clients.push(redis);
    redis.on('error', () => undefined);
    const prefix = `vwtest-startup-${Math.random().toString(36).slice(2)}:`;
    const violet = violetWebhooks({
      secret: SECRET,
      dedupe: new RedisDedupeStore(redis, {
        prefix,
        ...(commandTimeoutMs ? { commandTimeoutMs } : {}),
      }),
    });
    const seen: string[] = [];
    violet.on('ORDER_SHIPPED', (event) => void seen.push(event.id));
    violet.on('error', () => undefined);
    const app = express();
    app.post(PATH, violet);
    return { app, redis, seen };
  }

  test('its first delivery is answered 200 once the connection is ready, and processed once', async () => {
    const { app, redis, seen } = start();
    expect(redis.status).not.toBe('ready');
    const started = Date.now();
    const d = delivery('ORDER_SHIPPED', { eventId: `startup-${Date.now()}` });
    await deliver(app, d).expect(200, { received: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300); // it did wait for the connection
    expect(redis.status).toBe('ready');
    await deliver(app, d).expect(200, { received: true, duplicate: true });
    expect(seen).toEqual([d.headers['x-violet-event-id']]);
  });

  test('a connection slower than the deadline: 503 DEDUPE_UNAVAILABLE within it, and nothing runs', async () => {
    proxy.delayMs = 1500;
    const { app, redis, seen } = start(300);
    const started = Date.now();
    const d = delivery('ORDER_SHIPPED', { eventId: `slow-${Date.now()}` });
    const res = await deliver(app, d).expect(503);
    expect(res.body.error.code).toBe('DEDUPE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(1200);
    // Once connected, Violet's retry is processed: the late claim was never taken.
    await until(() => redis.status === 'ready', 5000);
    await deliver(app, d).expect(200, { received: true });
    expect(seen).toEqual([d.headers['x-violet-event-id']]);
  });

  test('a connection that was ready and is lost fails at once, as before', async () => {
    const { app, redis } = start();
    await until(() => redis.status === 'ready', 5000);
    proxy.cut();
    await until(() => redis.status !== 'ready', 5000);
    const started = Date.now();
    const res = await deliver(app, delivery('ORDER_SHIPPED')).expect(503);
    expect(res.body.error.code).toBe('DEDUPE_UNAVAILABLE');
    expect(Date.now() - started).toBeLessThan(300); // far below the 400 ms reconnection and 2000 ms deadline
  });
});
