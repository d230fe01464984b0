import {
  SpanKind,
  SpanStatusCode,
  context,
  metrics,
  trace,
  type Attributes,
  type Context,
  type MeterProvider,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { isVioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';
import type { ReceiveResult } from '../receive/result';
import type { DeliveryTelemetry, Telemetry } from '../receive/telemetry';
import { Instruments } from './instruments';

const NAME = 'express-violet-webhooks';

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

/** An event's type as spans show it: the name sent, for a type this package does not know. */
const eventTypeOf = (event: VioletEvent): string =>
  event.type === 'unknown' ? event.rawType : event.type;

/** The span attributes an event gives (ids belong on spans, never on metrics). */
function eventAttributes(event: VioletEvent): Attributes {
  const attributes: Attributes = {
    'violet.event.type': eventTypeOf(event),
    'violet.event.id': event.id,
  };
  if (event.webhookId !== undefined) attributes['violet.webhook.id'] = event.webhookId;
  if (event.family === 'order') {
    attributes['violet.order.id'] = event.orderId;
    if (event.bagId !== undefined) attributes['violet.bag.id'] = event.bagId;
    if (event.skuId !== undefined) attributes['violet.sku.id'] = event.skuId;
  }
  return attributes;
}

/** W3C traceparent of a span, the one field the job carries to link the worker's span. */
function traceparent(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & 1).toString(16)}`;
}

function parseTraceparent(value: string | undefined): SpanContext | undefined {
  const match = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/.exec(value ?? '');
  if (match === null) return undefined;
  return {
    traceId: match[1] as string,
    spanId: match[2] as string,
    traceFlags: parseInt(match[3] as string, 16),
    isRemote: true,
  };
}

/** Ends a span for a failure: ERROR, the exception recorded once, `error.type`. */
function failSpan(span: Span, error: unknown): string {
  const code = isVioletWebhookError(error) ? error.code : 'LISTENER_FAILED';
  const cause = isVioletWebhookError(error) && error.cause !== undefined ? error.cause : error;
  span.recordException(cause instanceof Error ? cause : String(cause));
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.setAttribute('error.type', code);
  return code;
}

class Delivery implements DeliveryTelemetry {
  private readonly span: Span;
  private readonly ctx: Context;
  private readonly started = performance.now();
  private type: string | undefined;

  constructor(
    private readonly tracer: Tracer,
    private readonly instruments: Instruments,
  ) {
    // A child of the active span: the HTTP server span that HTTP instrumentation makes.
    this.span = tracer.startSpan('violet.webhook', { kind: SpanKind.INTERNAL });
    this.ctx = trace.setSpan(context.active(), this.span);
    instruments.started();
  }

  event(event: VioletEvent): void {
    this.type = event.type === 'unknown' ? undefined : event.type;
    if (this.type !== undefined) this.span.updateName(`violet.webhook ${this.type}`);
    this.span.setAttributes(eventAttributes(event));
  }

  listeners(event: VioletEvent, run: () => Promise<void> | undefined): Promise<void> | undefined {
    const span = this.tracer.startSpan(
      `process ${eventTypeOf(event)}`,
      // The delivery's span, its parent, has the rest of the event's attributes.
      {
        kind: SpanKind.CONSUMER,
        attributes: { 'violet.event.type': eventTypeOf(event), 'violet.event.id': event.id },
      },
      this.ctx,
    );
    const started = performance.now();
    const done = (error?: unknown): void => {
      const errorType = error === undefined ? undefined : failSpan(span, error);
      span.end();
      this.instruments.listenerDone(event.type, (performance.now() - started) / 1000, errorType);
    };
    let outcome: Promise<void> | undefined;
    try {
      outcome = context.with(trace.setSpan(this.ctx, span), run);
    } catch (error) {
      done(error);
      throw error;
    }
    if (outcome === undefined) done();
    else outcome.then(() => done(), done);
    return outcome;
  }

  async send(
    queue: { name: string; jobId: string },
    carrier: Record<string, string>,
    run: () => Promise<void>,
  ): Promise<void> {
    const span = this.tracer.startSpan(
      `send ${queue.name}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': 'bullmq',
          'messaging.destination.name': queue.name,
          'messaging.message.id': queue.jobId,
          'messaging.operation.type': 'send',
        },
      },
      this.ctx,
    );
    carrier.traceparent = traceparent(span.spanContext());
    try {
      await context.with(trace.setSpan(this.ctx, span), run);
    } catch (error) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: 'QUEUE_UNAVAILABLE' });
      span.setAttribute('error.type', 'QUEUE_UNAVAILABLE');
      throw error;
    } finally {
      span.end();
    }
  }

  end(result: ReceiveResult): void {
    const code = result.error?.code;
    // A failure without a code is a fault of this package (the pipeline rejected).
    const outcome =
      code ??
      (result.status >= 400
        ? 'INTERNAL_ERROR'
        : 'duplicate' in result.body
          ? 'duplicate'
          : 'accepted');
    this.span.setAttribute('violet.webhook.outcome', outcome);
    this.span.setAttribute('http.response.status_code', result.status);
    if (code !== undefined) this.span.setAttribute('error.type', code);
    // 4xx: the sender's mistake, not this server's: the status stays unset.
    if (result.status >= 500) {
      this.span.setStatus({ code: SpanStatusCode.ERROR, message: code ?? String(result.status) });
    }
    this.span.end();
    const seconds = (performance.now() - this.started) / 1000;
    this.instruments.answered(this.type ?? '_OTHER', outcome, result.status, seconds);
  }
}

/**
 * Telemetry through OpenTelemetry's API: spans and metrics as the README's "Telemetry" section
 * lists them, recorded by whatever SDK the app set up (the global providers, unless given).
 * With no SDK registered, the API records nothing.
 *
 * @example
 * const violet = violetWebhooks({ secret, telemetry: openTelemetry() });
 * const worker = createVioletWorker({ connection, name, telemetry: openTelemetry() });
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): Telemetry {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(NAME);
  const instruments = new Instruments(
    (options.meterProvider ?? metrics.getMeterProvider()).getMeter(NAME),
  );
  return {
    delivery: () => new Delivery(tracer, instruments),
    async job(event, job, carrier, run) {
      const producer = parseTraceparent(carrier?.traceparent);
      const span = tracer.startSpan(`process ${eventTypeOf(event)}`, {
        kind: SpanKind.CONSUMER,
        attributes: {
          ...eventAttributes(event),
          'messaging.system': 'bullmq',
          'messaging.destination.name': job.queue,
          'messaging.message.id': job.id,
          'messaging.operation.type': 'process',
          'violet.job.attempt': job.attempt,
        },
        links: producer === undefined ? [] : [{ context: producer }],
      });
      const started = performance.now();
      let errorType: string | undefined;
      try {
        await context.with(trace.setSpan(context.active(), span), run);
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
