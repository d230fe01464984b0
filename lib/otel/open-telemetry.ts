import {
  SpanKind,
  context,
  metrics,
  propagation,
  trace,
  type MeterProvider,
  type TracerProvider,
} from '@opentelemetry/api';
import { PACKAGE_NAME, PACKAGE_VERSION } from '../generated/version';
import type { Telemetry } from '../receive/telemetry';
import { eventAttributes, failSpan, messagingAttributes } from './attributes';
import { extract } from './carrier';
import { DeliverySpan } from './delivery-span';
import { instrumentsFor } from './instruments';
import { checkKeys } from '../check-keys';

/**
 * Options of {@link openTelemetry}: providers to use instead of the global ones.
 *
 * @example
 * openTelemetry({ tracerProvider, meterProvider });
 */
export interface OpenTelemetryOptions {
  tracerProvider?: TracerProvider | undefined;
  meterProvider?: MeterProvider | undefined;
}

/**
 * Telemetry through OpenTelemetry's API: spans and metrics as docs/telemetry.md
 * lists them, recorded by whatever SDK the app set up (the global providers, unless given).
 * With no SDK registered, the API records nothing. Every `openTelemetry()` on one meter provider
 * records into the same instruments.
 *
 * @example
 * const violet = violetWebhooks({ secret, telemetry: openTelemetry() });
 * const worker = createVioletWorker({ connection, name, telemetry: openTelemetry() });
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  checkKeys('openTelemetry', options, ['tracerProvider', 'meterProvider']);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(
    PACKAGE_NAME,
    PACKAGE_VERSION,
  );
  const instruments = instrumentsFor(
    (options.meterProvider ?? metrics.getMeterProvider()).getMeter(PACKAGE_NAME, PACKAGE_VERSION),
  );
  return {
    delivery: () => new DeliverySpan(tracer, instruments),
    async job(event, job, carrier, run) {
      const producer = extract(carrier);
      const span = tracer.startSpan(`process ${job.queue}`, {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...eventAttributes(event),
          ...messagingAttributes('process', { name: job.queue, jobId: job.id, system: job.system }),
          'violet.job.attempt': job.attempt,
        },
        links: producer.producer === undefined ? [] : [{ context: producer.producer }],
      });
      // The listeners see the producer's baggage, inside this span.
      const baggage = propagation.getBaggage(producer.context);
      const base =
        baggage === undefined
          ? context.active()
          : propagation.setBaggage(context.active(), baggage);
      const started = performance.now();
      let errorType: string | undefined;
      try {
        await context.with(trace.setSpan(base, span), run);
      } catch (error) {
        errorType = failSpan(span, error);
        throw error;
      } finally {
        span.end();
        instruments.listenerDone(event.type, (performance.now() - started) / 1000, errorType);
      }
    },
  };
}
