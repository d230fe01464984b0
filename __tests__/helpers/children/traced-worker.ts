// A worker with telemetry, run by the telemetry test in a process of its own: every span it
// ends is printed as `SPAN <json>`, and what its listener sees as `LISTENER <json>`; it prints
// `READY` once connected. It propagates W3C trace context and baggage, as an SDK set up by the
// app does.
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { createVioletWorker } from '../../../lib/bullmq';
import { openTelemetry } from '../../../lib/otel';

const printer: SpanExporter = {
  export(spans: ReadableSpan[], done) {
    for (const span of spans) {
      const line = {
        name: span.name,
        kind: span.kind,
        traceId: span.spanContext().traceId,
        spanId: span.spanContext().spanId,
        attributes: span.attributes,
        links: span.links.map((link) => ({
          traceId: link.context.traceId,
          spanId: link.context.spanId,
          traceState: link.context.traceState?.serialize(),
        })),
      };
      process.stdout.write(`SPAN ${JSON.stringify(line)}\n`);
    }
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
propagation.setGlobalPropagator(
  new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  }),
);
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(printer)],
});
const worker = createVioletWorker({
  connection: { host: '127.0.0.1', port: Number(process.env.QUEUE_PORT) },
  name: 'violet',
  prefix: process.env.PREFIX,
  telemetry: openTelemetry({ tracerProvider }),
});
worker.on('ORDER_SHIPPED', () => {
  const active = context.active();
  const seen = {
    spanId: trace.getSpanContext(active)?.spanId,
    baggage: Object.fromEntries(
      (propagation.getBaggage(active)?.getAllEntries() ?? []).map(([k, v]) => [k, v.value]),
    ),
  };
  process.stdout.write(`LISTENER ${JSON.stringify(seen)}\n`);
});
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
void worker.worker.waitUntilReady().then(() => process.stdout.write('READY\n'));
