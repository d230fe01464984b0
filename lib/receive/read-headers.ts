import { VioletWebhookError } from '../errors';
import { canonicalEventType, type VioletEventType } from '../event-types';
import { headerValue, type HeaderMap } from './delivery';

/** What the `x-violet-*` headers say about a delivery, checked. */
export interface DeliveryHeaders {
  /** The topic exactly as sent. */
  readonly rawType: string;
  /** The canonical event type, or undefined for a topic this package does not know. */
  readonly type: VioletEventType | undefined;
  readonly eventId: string;
  readonly webhookId: string | undefined;
  readonly sourceEventId: string | undefined;
  readonly entityId: string | undefined;
  readonly reason: string | undefined;
  readonly externalId: string | undefined;
  readonly orderId: number | undefined;
  readonly bagId: number | undefined;
  readonly skuId: number | undefined;
  /** Every `x-violet-*` header, first value of each. */
  readonly all: Readonly<Record<string, string>>;
}

const TOPIC = /^[A-Z][A-Z0-9_]{0,99}$/;
const EVENT_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const INTEGER = /^\d{1,16}$/;

function required(headers: HeaderMap, name: string): string {
  const value = headerValue(headers, name)?.trim();
  if (value === undefined || value === '') {
    throw new VioletWebhookError(
      'MISSING_HEADER',
      `the delivery has no ${name} header; Violet sends it with every webhook`,
    );
  }
  return value;
}

function optional(headers: HeaderMap, name: string): string | undefined {
  const value = headerValue(headers, name)?.trim();
  return value === '' ? undefined : value;
}

function integer(headers: HeaderMap, name: string, context: Context): number | undefined {
  const value = optional(headers, name);
  if (value === undefined) return undefined;
  const number = INTEGER.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number)) {
    throw new VioletWebhookError(
      'INVALID_HEADER',
      `the ${name} header must be a whole number`,
      context,
    );
  }
  return number;
}

interface Context {
  eventType: string;
  eventId: string;
}

function violetHeaders(headers: HeaderMap): Record<string, string> {
  const all: Record<string, string> = {};
  for (const name in headers) {
    if (
      name.startsWith('x-violet-') &&
      name !== 'x-violet-hmac' &&
      name !== 'x-violet-hmac-sha256'
    ) {
      const value = headerValue(headers, name);
      if (value !== undefined) all[name] = value;
    }
  }
  return all;
}

/** Step 5: topic and event id are required; id headers must be whole numbers. */
export function readHeaders(headers: HeaderMap): DeliveryHeaders {
  const rawType = required(headers, 'x-violet-topic');
  if (!TOPIC.test(rawType)) {
    throw new VioletWebhookError(
      'INVALID_HEADER',
      'the x-violet-topic header is not an event type like ORDER_SHIPPED',
    );
  }
  const eventId = required(headers, 'x-violet-event-id');
  if (!EVENT_ID.test(eventId)) {
    throw new VioletWebhookError(
      'INVALID_HEADER',
      'the x-violet-event-id header is not an event id',
      {
        eventType: rawType,
      },
    );
  }
  const type = canonicalEventType(rawType);
  const context = { eventType: type ?? rawType, eventId };
  return {
    rawType,
    type,
    eventId,
    webhookId: optional(headers, 'x-violet-webhook-id'),
    sourceEventId: optional(headers, 'x-violet-event-id-source'),
    entityId: optional(headers, 'x-violet-entity-id'),
    reason: optional(headers, 'x-violet-reason'),
    externalId: optional(headers, 'x-violet-entity-external-id'),
    orderId: integer(headers, 'x-violet-order-id', context),
    bagId: integer(headers, 'x-violet-bag-id', context),
    skuId: integer(headers, 'x-violet-sku-id', context),
    all: violetHeaders(headers),
  };
}
