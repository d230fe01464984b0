import {
  ROOT_CONTEXT,
  propagation,
  trace,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';

/**
 * Writes a context into the carrier a job takes along, through the app's configured propagators
 * (trace context, `tracestate`, baggage, or whatever the app set). When none is configured, and
 * so nothing was written, the W3C `traceparent` is written by hand, so that the worker's span is
 * still linked to the producer's.
 */
export function inject(ctx: Context, carrier: Record<string, string>): void {
  propagation.inject(ctx, carrier);
  const span = trace.getSpanContext(ctx);
  if (Object.keys(carrier).length === 0 && span !== undefined) {
    carrier.traceparent = `00-${span.traceId}-${span.spanId}-0${(span.traceFlags & 1).toString(16)}`;
  }
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

/**
 * What a job's carrier holds: the context the app's propagators read from it (baggage included)
 * and the producer's span context to link to.
 */
export function extract(carrier: Readonly<Record<string, string>> | undefined): {
  context: Context;
  producer: SpanContext | undefined;
} {
  if (carrier === undefined) return { context: ROOT_CONTEXT, producer: undefined };
  const context = propagation.extract(ROOT_CONTEXT, carrier);
  const producer = trace.getSpanContext(context) ?? parseTraceparent(carrier.traceparent);
  return { context, producer };
}
