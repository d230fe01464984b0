// OpenTelemetry's SDK, set up as an app would: an AsyncLocalStorage context manager, spans
// batched to an exporter that drops them, metrics read every minute. Used by bench/server.mjs.
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics';

export function setUpSdk() {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const drop = {
    export: (_items, done) => done({ code: 0 }),
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  };
  const tracerProvider = new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(drop)],
  });
  const meterProvider = new MeterProvider({
    readers: [new PeriodicExportingMetricReader({ exporter: drop, exportIntervalMillis: 60_000 })],
  });
  return { tracerProvider, meterProvider };
}
