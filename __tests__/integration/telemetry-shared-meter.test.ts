import express from 'express';
import { violetWebhooks } from '../../lib';
import { bullmqQueue, createVioletWorker } from '../../lib/bullmq';
import { openTelemetry } from '../../lib/otel';
import { deliver, PATH } from '../helpers/apps';
import { connectionOf, dropPrefix, testPrefix } from '../helpers/bullmq';
import { until } from '../helpers/wait';
import { SECRET, delivery } from '../helpers/deliveries';
import { gate } from '../helpers/wait';
import { otelSdk, type MetricPoint } from '../helpers/otel';
import { describeWithSharedRedis } from '../helpers/redis';

// Two Violet apps served by one process, and a worker beside them: each has an openTelemetry()
// of its own, all on one meter provider.
const sdk = otelSdk();
afterAll(() => sdk.shutdown());

const telemetry = () =>
  openTelemetry({ tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider });

function sum(points: MetricPoint[], name: string, attributes: Record<string, unknown> = {}) {
  return points
    .filter(
      (p) => p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
    )
    .reduce((n, p) => n + (typeof p.value === 'number' ? p.value : p.value.count), 0);
}

function receiver(secret: string) {
  const violet = violetWebhooks({ secret, telemetry: telemetry() });
  const held = gate();
  violet.on('ORDER_SHIPPED', (event) => (event.id.startsWith('held') ? held.opened : undefined));
  const app = express();
  app.post(PATH, violet);
  return { app, held };
}

const ACCEPTED = {
  'violet.event.type': 'ORDER_SHIPPED',
  'violet.webhook.outcome': 'accepted',
  'http.response.status_code': 200,
};

test('two middlewares on one meter provider: their counts add up, and active counts both', async () => {
  const a = receiver(SECRET);
  const b = receiver('another-app-secret');
  const before = sum(await sdk.metrics(), 'violet.webhook.deliveries', ACCEPTED);
  for (const id of ['1', '2']) {
    await deliver(a.app, delivery('ORDER_SHIPPED', { eventId: `a-${id}` })).expect(200);
    await deliver(
      b.app,
      delivery('ORDER_SHIPPED', { eventId: `b-${id}`, secret: 'another-app-secret' }),
    ).expect(200);
  }
  let points = await sdk.metrics();
  expect(sum(points, 'violet.webhook.deliveries', ACCEPTED) - before).toBe(4);
  expect(sum(points, 'violet.webhook.active')).toBe(0);

  const first = deliver(a.app, delivery('ORDER_SHIPPED', { eventId: 'held-a' })).then((r) => r);
  await until(async () => sum(await sdk.metrics(), 'violet.webhook.active') === 1, 5000);
  const second = deliver(
    b.app,
    delivery('ORDER_SHIPPED', { eventId: 'held-b', secret: 'another-app-secret' }),
  ).then((r) => r);
  await until(async () => sum(await sdk.metrics(), 'violet.webhook.active') === 2, 5000);
  a.held.open();
  expect((await first).status).toBe(200);
  points = await sdk.metrics();
  expect(sum(points, 'violet.webhook.active')).toBe(1);
  b.held.open();
  expect((await second).status).toBe(200);
  points = await sdk.metrics();
  expect(sum(points, 'violet.webhook.active')).toBe(0);
  expect(sum(points, 'violet.webhook.deliveries', ACCEPTED) - before).toBe(6);
});

describeWithSharedRedis('a middleware and a worker in one process', (url) => {
  const prefix = testPrefix();
  afterAll(() => dropPrefix(url, prefix));

  test('the listeners of both are timed into one histogram, and their deliveries into one counter', async () => {
    const listened = { 'violet.event.type': 'MERCHANT_CONNECTED' };
    const before = await sdk.metrics();
    const queue = bullmqQueue({ connection: connectionOf(url), name: 'shared-meter', prefix });
    const web = express();
    web.post(PATH, violetWebhooks({ secret: SECRET, queue, telemetry: telemetry() }));
    const local = violetWebhooks({ secret: SECRET, telemetry: telemetry() });
    local.on('MERCHANT_CONNECTED', () => undefined);
    const inProcess = express();
    inProcess.post(PATH, local);
    const worker = createVioletWorker({
      connection: connectionOf(url),
      name: 'shared-meter',
      prefix,
      telemetry: telemetry(),
    });
    let ran = 0;
    worker.on('MERCHANT_CONNECTED', () => {
      ran += 1;
    });
    try {
      await deliver(web, delivery('MERCHANT_CONNECTED', { eventId: 'queued-1' })).expect(200);
      await deliver(inProcess, delivery('MERCHANT_CONNECTED', { eventId: 'local-1' })).expect(200);
      await until(() => ran === 1);
      await until(
        async () =>
          sum(await sdk.metrics(), 'violet.webhook.listener.duration', listened) -
            sum(before, 'violet.webhook.listener.duration', listened) ===
          2,
        5000,
      );
      const after = await sdk.metrics();
      const delivered = {
        'violet.event.type': 'MERCHANT_CONNECTED',
        'violet.webhook.outcome': 'accepted',
      };
      expect(
        sum(after, 'violet.webhook.deliveries', delivered) -
          sum(before, 'violet.webhook.deliveries', delivered),
      ).toBe(2);
    } finally {
      await worker.close();
      await queue.close();
    }
  }, 30_000);
});
