import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SpanKind, context, propagation, trace } from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import express from 'express';
import { violetWebhooks } from '../../lib';
import { bullmqQueue } from '../../lib/bullmq';
import { openTelemetry } from '../../lib/otel';
import { deliver, PATH } from '../helpers/apps';
import { connectionOf, dropPrefix, testPrefix } from '../helpers/bullmq';
import { Child } from '../helpers/child';
import { SECRET, delivery } from '../helpers/deliveries';
import { otelSdk } from '../helpers/otel';
import { describeWithSharedRedis } from '../helpers/redis';

describeWithSharedRedis('telemetry through the queue, across two processes', (url) => {
  const sdk = otelSdk();
  const prefix = testPrefix();
  // The app's propagators, as its SDK sets them up: W3C trace context and baggage.
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  afterAll(async () => {
    propagation.disable();
    await sdk.shutdown();
    await dropPrefix(url, prefix);
  });

  test("the worker's process span links to the web process's send span, through the job, with tracestate and baggage", async () => {
    const queue = bullmqQueue({ connection: connectionOf(url), name: 'violet', prefix });
    const app = express();
    // As HTTP instrumentation does: the caller's context and baggage, then the server span.
    const tracer = sdk.tracerProvider.getTracer('http-instrumentation');
    app.use((req, res, next) => {
      const caller = propagation.extract(context.active(), req.headers);
      const span = tracer.startSpan(`POST ${PATH}`, { kind: SpanKind.SERVER }, caller);
      res.on('finish', () => span.end());
      context.with(trace.setSpan(caller, span), next);
    });
    app.post(
      PATH,
      violetWebhooks({
        secret: SECRET,
        queue,
        telemetry: openTelemetry({
          tracerProvider: sdk.tracerProvider,
          meterProvider: sdk.meterProvider,
        }),
      }),
    );
    const worker = new Child('traced-worker.ts', {
      QUEUE_PORT: String(connectionOf(url).port),
      PREFIX: prefix,
    });
    try {
      await worker.ready;
      const d = delivery('ORDER_SHIPPED', { eventId: 'traced-1', bagId: 11111 });
      d.headers.traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      d.headers.tracestate = 'shop=7f';
      d.headers.baggage = 'tenant=shop-7';
      await deliver(app, d).expect(200);
      const send = sdk.spans().find((s) => s.name === 'send violet');
      const webhook = sdk.spans().find((s) => s.name === 'violet.webhook ORDER_SHIPPED');
      expect(send?.kind).toBe(SpanKind.PRODUCER);
      expect(send?.parentSpanContext?.spanId).toBe(webhook?.spanContext().spanId);
      expect(send?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(send?.attributes).toMatchObject({
        'messaging.system': 'bullmq',
        'messaging.operation.name': 'send',
        'messaging.operation.type': 'send',
        'messaging.destination.name': 'violet',
        'messaging.message.id': 'violet-traced-1',
      });
      const line = await worker.waitFor(/^SPAN .*"process violet"/);
      const processed = JSON.parse(line.slice('SPAN '.length));
      expect(processed.kind).toBe(SpanKind.CONSUMER);
      expect(processed.links).toEqual([
        {
          traceId: send?.spanContext().traceId,
          spanId: send?.spanContext().spanId,
          traceState: 'shop=7f',
        },
      ]);
      expect(processed.attributes).toMatchObject({
        'messaging.system': 'bullmq',
        'messaging.operation.name': 'process',
        'messaging.operation.type': 'process',
        'messaging.destination.name': 'violet',
        'messaging.message.id': 'violet-traced-1',
        'violet.event.type': 'ORDER_SHIPPED',
        'violet.event.id': 'traced-1',
        'violet.bag.id': 11111,
        'violet.job.attempt': 1,
        // The first of its bag through the web process's store.
        'violet.event.stale': false,
      });
      // The listener runs inside the process span, with the baggage the delivery came with.
      const seen = JSON.parse((await worker.waitFor(/^LISTENER /)).slice('LISTENER '.length));
      expect(seen).toEqual({ spanId: processed.spanId, baggage: { tenant: 'shop-7' } });
    } finally {
      worker.kill('SIGTERM');
      await worker.exited;
      await queue.close();
    }
  }, 30_000);
});

test('without telemetry, the package loads no OpenTelemetry code', () => {
  const script = `
    const { violetWebhooks } = require('express-violet-webhooks');
    const { createDelivery } = require('express-violet-webhooks/testing');
    const violet = violetWebhooks({ secret: 's' });
    violet.on('ORDER_SHIPPED', () => undefined);
    const d = createDelivery({ type: 'ORDER_SHIPPED', secret: 's' });
    violet.receive({ headers: d.headers, body: d.body }).then((r) => {
      const loaded = Object.keys(require.cache).filter((f) => f.includes('@opentelemetry'));
      console.log(r.status, JSON.stringify(loaded));
    });`;
  const out = execFileSync(
    process.execPath,
    ['--require', path.join(__dirname, '../helpers/register-ts.cjs'), '-e', script],
    {
      encoding: 'utf8',
    },
  );
  expect(out.trim()).toBe('200 []');
});
