import { SpanStatusCode, type Attributes, type Span } from '@opentelemetry/api';
import { isVioletWebhookError } from '../errors';
import type { VioletEvent } from '../events';

/** An event's type as spans show it: the name sent, for a type this package does not know. */
export const eventTypeOf = (event: VioletEvent): string =>
  event.type === 'unknown' ? event.rawType : event.type;

/** The span attributes an event gives (ids belong on spans, never on metrics). */
export function eventAttributes(event: VioletEvent): Attributes {
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
  // Known once the claim has been taken: on a worker's event; the delivery span adds it at its end.
  if (event.stale !== undefined) attributes['violet.event.stale'] = event.stale;
  return attributes;
}

/** The attributes of a `send` or `process` span, as the messaging conventions name them. */
export function messagingAttributes(
  operation: 'send' | 'process',
  queue: { name: string; jobId: string; system?: string | undefined },
): Attributes {
  const attributes: Attributes = {
    'messaging.operation.name': operation,
    'messaging.operation.type': operation,
    'messaging.destination.name': queue.name,
    'messaging.message.id': queue.jobId,
  };
  if (queue.system !== undefined) attributes['messaging.system'] = queue.system;
  return attributes;
}

/**
 * Marks a span failed: ERROR, `error.type`, and the exception recorded once (the listener's own
 * error rather than the package's wrapper). Returns the error type.
 */
export function failSpan(span: Span, error: unknown, fallbackCode = 'LISTENER_FAILED'): string {
  const code = isVioletWebhookError(error) ? error.code : fallbackCode;
  const cause = isVioletWebhookError(error) && error.cause !== undefined ? error.cause : error;
  span.recordException(cause instanceof Error ? cause : String(cause));
  span.setStatus({ code: SpanStatusCode.ERROR, message: code });
  span.setAttribute('error.type', code);
  return code;
}
