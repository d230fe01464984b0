// A worker with telemetry, run by the telemetry test in a process of its own: every span it
// ends is printed as `SPAN <json>`; it prints `READY` once connected.
import {
  BasicTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';
import { createVioletWorker } from '../../lib/bullmq';
import { openTelemetry } from '../../lib/otel';

const printer: SpanExporter = {
  export(spans: ReadableSpan[], done) {
    for (const span of spans) {
      const line = {
        name: span.name,
        kind: span.kind,
        traceId: span.spanContext().traceId,
        attributes: span.attributes,
        links: span.links.map((link) => ({
          traceId: link.context.traceId,
          spanId: link.context.spanId,
        })),
      };
      process.stdout.write(`SPAN ${JSON.stringify(line)}\n`);
    }
    done({ code: 0 });
  },
  shutdown: () => Promise.resolve(),
};
const tracerProvider = new BasicTracerProvider({
  spanProcessors: [new SimpleSpanProcessor(printer)],
});
const worker = createVioletWorker({
  connection: { host: '127.0.0.1', port: Number(process.env.QUEUE_PORT) },
  name: 'violet',
  prefix: process.env.PREFIX,
  telemetry: openTelemetry({ tracerProvider }),
});
worker.on('ORDER_SHIPPED', () => undefined);
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
void worker.worker.waitUntilReady().then(() => process.stdout.write('READY\n'));
