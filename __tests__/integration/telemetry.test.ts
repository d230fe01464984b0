import { SpanKind, SpanStatusCode, context, trace } from '@opentelemetry/api';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import express from 'express';
import { violetWebhooks, type VioletWebhooksOptions } from '../../lib';
import { PACKAGE_VERSION } from '../../lib/generated/version';
import { openTelemetry } from '../../lib/otel';
import { deliver, PATH } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { gate, sleep, until } from '../helpers/wait';
import { otelSdk, type MetricPoint } from '../helpers/otel';

const sdk = otelSdk();
afterAll(() => sdk.shutdown());
beforeEach(() => sdk.reset());

/** An app whose requests run inside a SERVER span, as HTTP instrumentation makes them. */
function app(options: Partial<VioletWebhooksOptions> = {}) {
  const violet = violetWebhooks({
    secret: SECRET,
    telemetry: openTelemetry({
      tracerProvider: sdk.tracerProvider,
      meterProvider: sdk.meterProvider,
    }),
    ...options,
  });
  const tracer = sdk.tracerProvider.getTracer('http-instrumentation');
  const server = express();
  server.use((_req, res, next) => {
    const span = tracer.startSpan(`POST ${PATH}`, { kind: SpanKind.SERVER });
    res.on('finish', () => span.end());
    context.with(trace.setSpan(context.active(), span), next);
  });
  server.post(PATH, violet);
  const send = (d: ReturnType<typeof delivery>) => deliver(server, d);
  return { violet, send, tracer };
}

const named = (name: string) => sdk.spans().filter((s) => s.name === name);
const one = (name: string): ReadableSpan => {
  const found = named(name);
  expect(found).toHaveLength(1);
  return found[0] as ReadableSpan;
};
const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('spans', () => {
  test('an accepted delivery: its span under the server span, the listeners’ under it', async () => {
    const { violet, send } = app();
    violet.on('ORDER_SHIPPED', async () => {
      // A span of the app's own code lands under the listeners' span.
      const own = sdk.tracerProvider.getTracer('app').startSpan('save shipment');
      await sleep(5);
      own.end();
    });
    await send(delivery('ORDER_SHIPPED', { eventId: '501', bagId: 11111, skuId: 33331 })).expect(
      200,
    );
    await until(() => named(`POST ${PATH}`).length === 1);
    const server = one(`POST ${PATH}`);
    const webhook = one('violet.webhook ORDER_SHIPPED');
    const listeners = one('violet.listeners ORDER_SHIPPED');
    const own = one('save shipment');
    expect(webhook.kind).toBe(SpanKind.INTERNAL);
    expect(listeners.kind).toBe(SpanKind.INTERNAL);
    expect(listeners.attributes).toEqual({
      'violet.event.type': 'ORDER_SHIPPED',
      'violet.event.id': '501',
    });
    expect(parentOf(webhook)).toBe(server.spanContext().spanId);
    expect(parentOf(listeners)).toBe(webhook.spanContext().spanId);
    expect(parentOf(own)).toBe(listeners.spanContext().spanId);
    expect(webhook.instrumentationScope).toMatchObject({
      name: 'express-violet-webhooks',
      version: PACKAGE_VERSION,
    });
    expect(webhook.attributes).toMatchObject({
      'violet.event.type': 'ORDER_SHIPPED',
      'violet.event.id': '501',
      'violet.webhook.id': '1',
      'violet.webhook.outcome': 'accepted',
      'violet.order.id': 12345,
      'violet.bag.id': 11111,
      'violet.sku.id': 33331,
      'http.response.status_code': 200,
    });
    expect(webhook.status.code).toBe(SpanStatusCode.UNSET);
    expect(sdk.spans().filter((s) => s.kind === SpanKind.SERVER)).toHaveLength(1);
  });

  test('a duplicate: outcome duplicate, and no listeners’ span', async () => {
    const { send } = app();
    const d = delivery('MERCHANT_CONNECTED', { eventId: '502' });
    await send(d).expect(200);
    sdk.reset();
    await send(d).expect(200, { received: true, duplicate: true });
    expect(one('violet.webhook MERCHANT_CONNECTED').attributes['violet.webhook.outcome']).toBe(
      'duplicate',
    );
    expect(named('violet.listeners MERCHANT_CONNECTED')).toHaveLength(0);
  });

  test('violet.event.stale on the delivery span when it is known', async () => {
    const { send } = app();
    await send(delivery('ORDER_UPDATED', { eventId: '510' })).expect(200);
    await send(
      delivery('ORDER_UPDATED', { eventId: '511', lastModified: '2025-04-08T16:00:00Z' }),
    ).expect(200);
    const stale = (id: string) =>
      sdk
        .spans()
        .find((s) => s.attributes['violet.event.id'] === id && s.name.startsWith('violet.webhook'))
        ?.attributes['violet.event.stale'];
    expect([stale('510'), stale('511')]).toEqual([false, true]);
    sdk.reset();
    await app({ ordering: 'off' })
      .send(delivery('ORDER_UPDATED', { eventId: '512' }))
      .expect(200);
    expect('violet.event.stale' in one('violet.webhook ORDER_UPDATED').attributes).toBe(false);
  });

  test('a rejected signature: 4xx, status unset, error.type, and no type taken from the unverified header', async () => {
    const { send } = app();
    await send(delivery('ORDER_SHIPPED', { secret: 'forged' })).expect(401);
    const span = one('violet.webhook');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
    expect(span.attributes).toMatchObject({
      'violet.webhook.outcome': 'INVALID_SIGNATURE',
      'error.type': 'INVALID_SIGNATURE',
      'http.response.status_code': 401,
    });
    expect(span.attributes['violet.event.type']).toBeUndefined();
  });

  test('a failed listener: ERROR on both spans, the exception recorded once', async () => {
    const { violet, send } = app();
    violet.on('TRANSFER_SENT', async () => {
      throw new Error('ledger is down');
    });
    violet.on('error', () => undefined);
    await send(delivery('TRANSFER_SENT')).expect(500);
    await until(() => named('violet.listeners TRANSFER_SENT').length === 1);
    const webhook = one('violet.webhook TRANSFER_SENT');
    const listeners = one('violet.listeners TRANSFER_SENT');
    expect(webhook.status.code).toBe(SpanStatusCode.ERROR);
    expect(webhook.attributes['error.type']).toBe('LISTENER_FAILED');
    expect(listeners.status.code).toBe(SpanStatusCode.ERROR);
    const exceptions = sdk.spans().flatMap((s) => s.events.filter((e) => e.name === 'exception'));
    expect(exceptions).toHaveLength(1);
    expect(exceptions[0]?.attributes?.['exception.message']).toBe('ledger is down');
  });

  test('a timeout: the delivery span ends 503 in ERROR; the listeners’ span ends when they do', async () => {
    const { violet, send } = app({ timeout: 50 });
    const slow = gate();
    violet.on('ORDER_UPDATED', () => slow.opened);
    violet.on('error', () => undefined);
    await send(delivery('ORDER_UPDATED')).expect(503);
    const webhook = one('violet.webhook ORDER_UPDATED');
    expect(webhook.status.code).toBe(SpanStatusCode.ERROR);
    expect(webhook.attributes['violet.webhook.outcome']).toBe('LISTENER_TIMEOUT');
    expect(named('violet.listeners ORDER_UPDATED')).toHaveLength(0);
    slow.open();
    await until(() => named('violet.listeners ORDER_UPDATED').length === 1);
    expect(one('violet.listeners ORDER_UPDATED').status.code).toBe(SpanStatusCode.UNSET);
  });

  test('ack immediate: the listeners’ span, a child of the delivery’s, ends when they do, after the answer', async () => {
    const { violet, send } = app({ ack: 'immediate' });
    const slow = gate();
    violet.on('ORDER_DELIVERED', async () => {
      await slow.opened;
      throw new Error('refund API down');
    });
    violet.on('error', () => undefined);
    await send(delivery('ORDER_DELIVERED')).expect(200);
    const webhook = one('violet.webhook ORDER_DELIVERED');
    expect(webhook.attributes['violet.webhook.outcome']).toBe('accepted');
    await sleep(20);
    expect(named('violet.listeners ORDER_DELIVERED')).toHaveLength(0);
    slow.open();
    await until(() => named('violet.listeners ORDER_DELIVERED').length === 1);
    const listeners = one('violet.listeners ORDER_DELIVERED');
    expect(parentOf(listeners)).toBe(webhook.spanContext().spanId);
    expect(listeners.status.code).toBe(SpanStatusCode.ERROR);
    expect(listeners.attributes['error.type']).toBe('LISTENER_FAILED');
  });

  test('listeners with nothing to wait for, and none at all: the span ends with the answer', async () => {
    const { violet, send } = app();
    violet.on('ORDER_COMPLETED', () => undefined);
    await send(delivery('ORDER_COMPLETED')).expect(200);
    await send(delivery('ORDER_REFUNDED')).expect(200);
    expect(one('violet.listeners ORDER_COMPLETED').ended).toBe(true);
    expect(one('violet.listeners ORDER_REFUNDED').ended).toBe(true);
    const points = await sdk.metrics();
    const recorded = points.filter(
      (p) =>
        p.name === 'violet.webhook.listener.duration' &&
        ['ORDER_COMPLETED', 'ORDER_REFUNDED'].includes(String(p.attributes['violet.event.type'])),
    );
    expect(recorded).toHaveLength(2);
  });

  test('a schema mismatch after the signature held: the span says its type and id', async () => {
    const { send } = app();
    await send(
      delivery('ORDER_SHIPPED', { eventId: '503', payload: { id: 'not a number' } }),
    ).expect(422);
    const span = one('violet.webhook ORDER_SHIPPED');
    expect(span.attributes).toMatchObject({
      'violet.event.type': 'ORDER_SHIPPED',
      'violet.event.id': '503',
      'violet.webhook.outcome': 'SCHEMA_MISMATCH',
      'error.type': 'SCHEMA_MISMATCH',
      'http.response.status_code': 422,
    });
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  test('a failed send: ERROR, its exception recorded, and messaging.system from the queue adapter', async () => {
    const queue = {
      name: 'jobs',
      system: 'custom-queue',
      enqueue: () => Promise.reject(new Error('queue is full')),
    };
    const { violet, send } = app({ queue });
    violet.on('error', () => undefined);
    await send(delivery('ORDER_SHIPPED', { eventId: '504' })).expect(503);
    const sent = one('send jobs');
    expect(sent.kind).toBe(SpanKind.PRODUCER);
    expect(sent.status.code).toBe(SpanStatusCode.ERROR);
    expect(sent.attributes).toMatchObject({
      'messaging.system': 'custom-queue',
      'messaging.operation.name': 'send',
      'messaging.operation.type': 'send',
      'messaging.destination.name': 'jobs',
      'error.type': 'QUEUE_UNAVAILABLE',
    });
    const exceptions = sent.events.filter((e) => e.name === 'exception');
    expect(exceptions.map((e) => e.attributes?.['exception.message'])).toEqual(['queue is full']);
    expect(one('violet.webhook ORDER_SHIPPED').attributes['violet.webhook.outcome']).toBe(
      'QUEUE_UNAVAILABLE',
    );
  });

  test('an unknown event type: the span keeps the bare name, the type it was sent as', async () => {
    const { send } = app();
    await send(delivery('ORDER_TELEPORTED', { payload: { id: 1 } })).expect(200);
    expect(one('violet.webhook').attributes['violet.event.type']).toBe('ORDER_TELEPORTED');
  });
});

describe('metrics', () => {
  let points: MetricPoint[];

  beforeAll(async () => {
    const { violet, send } = app();
    violet.on('ORDER_SHIPPED', () => undefined);
    violet.on('MERCHANT_CONNECTED', () => {
      throw new Error('no');
    });
    violet.on('error', () => undefined);
    const d = delivery('ORDER_SHIPPED', { eventId: 'm-1' });
    await send(d).expect(200);
    await send(d).expect(200);
    await send(delivery('ORDER_SHIPPED', { secret: 'forged' })).expect(401);
    await send(delivery('MERCHANT_CONNECTED', { eventId: 'm-2' })).expect(500);
    await send(delivery('ORDER_TELEPORTED', { payload: { id: 2 }, eventId: 'm-3' })).expect(200);
    await send(delivery('OFFER_UPDATED', { payload: { id: 'x' }, eventId: 'm-4' })).expect(422);
    points = await sdk.metrics();
  });

  const point = (name: string, attributes: Record<string, unknown>) =>
    points.filter(
      (p) => p.name === name && Object.entries(attributes).every(([k, v]) => p.attributes[k] === v),
    );

  test('violet.webhook.deliveries counts each answer by type, outcome and status', () => {
    const count = (attributes: Record<string, unknown>) =>
      point('violet.webhook.deliveries', attributes).reduce((n, p) => n + (p.value as number), 0);
    expect(
      count({
        'violet.event.type': 'ORDER_SHIPPED',
        'violet.webhook.outcome': 'accepted',
        'http.response.status_code': 200,
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count({ 'violet.event.type': 'ORDER_SHIPPED', 'violet.webhook.outcome': 'duplicate' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count({
        'violet.event.type': '_OTHER',
        'violet.webhook.outcome': 'INVALID_SIGNATURE',
        'http.response.status_code': 401,
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count({
        'violet.event.type': 'MERCHANT_CONNECTED',
        'violet.webhook.outcome': 'LISTENER_FAILED',
        'http.response.status_code': 500,
      }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      count({ 'violet.event.type': '_OTHER', 'violet.webhook.outcome': 'accepted' }),
    ).toBeGreaterThanOrEqual(1);
    // The signature held and the type is known: a label, although the body failed its schema.
    expect(
      count({
        'violet.event.type': 'OFFER_UPDATED',
        'violet.webhook.outcome': 'SCHEMA_MISMATCH',
        'http.response.status_code': 422,
      }),
    ).toBe(1);
    expect(
      count({ 'violet.event.type': '_OTHER', 'violet.webhook.outcome': 'SCHEMA_MISMATCH' }),
    ).toBe(0);
    expect(point('violet.webhook.deliveries', {})[0]?.unit).toBe('{delivery}');
  });

  test('the durations are histograms in seconds; the active count is back to zero', () => {
    const duration = point('violet.webhook.duration', { 'violet.event.type': 'ORDER_SHIPPED' });
    expect(duration[0]?.unit).toBe('s');
    expect((duration[0]?.value as { count: number }).count).toBeGreaterThan(0);
    const failedListener = point('violet.webhook.listener.duration', {
      'violet.event.type': 'MERCHANT_CONNECTED',
      'error.type': 'LISTENER_FAILED',
    });
    expect(failedListener).toHaveLength(1);
    expect(failedListener[0]?.unit).toBe('s');
    const active = point('violet.webhook.active', {});
    expect(active.reduce((n, p) => n + (p.value as number), 0)).toBe(0);
  });

  test('no metric carries an event, order, bag, line item or webhook id', () => {
    const allowed = new Set([
      'violet.event.type',
      'violet.webhook.outcome',
      'http.response.status_code',
      'error.type',
    ]);
    for (const p of points) {
      for (const key of Object.keys(p.attributes)) expect(allowed.has(key)).toBe(true);
      const values = Object.values(p.attributes).map(String);
      for (const id of ['m-1', 'm-2', 'm-3', 'm-4', '12345', '11111', '1'])
        expect(values).not.toContain(id);
    }
  });
});
