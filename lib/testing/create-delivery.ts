import { canonicalEventType, familyOf } from '../event-types';
import { sign } from '../signature/sign';
import { samplePayload } from './sample-payloads';

/**
 * Options of {@link createDelivery}.
 *
 * @example
 * createDelivery({ type: 'ORDER_REFUNDED', secret, bagId: 11111, skuId: 33332, eventId: '42' });
 */
export interface CreateDeliveryOptions {
  /** The event type (`x-violet-topic`); any string, so unknown types can be tested too. */
  type: string;
  /** The secret to sign with. */
  secret: string;
  /** The body: an object to serialise, or an exact string. Default: `samplePayload(type)`. */
  payload?: unknown;
  /** Default: a new unique id per call. */
  eventId?: string | undefined;
  /** `x-violet-bag-id`. Default for order events: the first bag of the payload. */
  bagId?: number | string | undefined;
  /** `x-violet-sku-id`. */
  skuId?: number | string | undefined;
  /** Extra or replacement headers (names lower-case). */
  headers?: Record<string, string> | undefined;
  /**
   * The snapshot's `date_last_modified` (a `Date`, or a date string as Violet writes it): the
   * named bag's for an order event with a bag, else the entity's. An older date than the last
   * delivery's makes an older snapshot (`event.stale`). Not with a payload given as a string.
   */
  lastModified?: Date | string | undefined;
}

/**
 * A signed delivery, ready for supertest's `.set(headers).send(body)` or fetch.
 *
 * @example
 * const { headers, body } = createDelivery({ type: 'MERCHANT_CONNECTED', secret });
 * await fetch(url, { method: 'POST', headers, body });
 */
export interface TestDelivery {
  headers: Record<string, string>;
  body: string;
}

let sequence = 0;

function nextEventId(): string {
  sequence = (sequence + 1) % 1_000_000;
  return `${Date.now()}${String(sequence).padStart(6, '0')}`;
}

/** A date as Violet writes it: `2025-04-08T16:21:52+0000`. */
function violetDate(date: Date | string): string {
  if (typeof date === 'string') return date;
  if (Number.isNaN(date.getTime())) {
    throw new TypeError('express-violet-webhooks: createDelivery lastModified is an invalid Date');
  }
  return `${date.toISOString().slice(0, 19)}+0000`;
}

/** A copy of `payload` whose snapshot (the bag `bagId`, else the entity) was modified at `date`. */
function modifiedAt(payload: unknown, bagId: unknown, date: Date | string): unknown {
  if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
    throw new TypeError(
      'express-violet-webhooks: createDelivery lastModified needs the payload as an object',
    );
  }
  const copy = structuredClone(payload) as { bags?: unknown; date_last_modified?: string };
  const bags = Array.isArray(copy.bags) ? (copy.bags as Array<{ id?: unknown } | null>) : [];
  const bag = bags.find((b) => b !== null && String(b.id) === String(bagId));
  const target = (bagId !== undefined ? bag : undefined) ?? copy;
  (target as { date_last_modified?: string }).date_last_modified = violetDate(date);
  return copy;
}

function firstBagId(payload: unknown): number | undefined {
  const bags = (payload as { bags?: unknown } | null)?.bags;
  const first: unknown = Array.isArray(bags) ? bags[0] : undefined;
  const id = (first as { id?: unknown } | undefined)?.id;
  return typeof id === 'number' ? id : undefined;
}

/**
 * A delivery signed exactly as Violet signs it, with the headers Violet sends.
 *
 * @example
 * const { headers, body } = createDelivery({ type: 'ORDER_SHIPPED', secret: 'test-secret', skuId: 33331 });
 * await request(app).post('/webhooks/violet').set(headers).send(body).expect(200);
 */
export function createDelivery(options: CreateDeliveryOptions): TestDelivery {
  const { type, secret } = options;
  const known = canonicalEventType(type);
  let payload = options.payload;
  if (payload === undefined) {
    if (known === undefined)
      throw new TypeError(
        `express-violet-webhooks: createDelivery needs a payload for unknown type ${type}`,
      );
    payload = samplePayload(known);
  }
  const isOrder = known !== undefined && familyOf(known) === 'order';
  const bagId = options.bagId ?? (isOrder ? firstBagId(payload) : undefined);
  if (options.lastModified !== undefined) {
    payload = modifiedAt(payload, isOrder ? bagId : undefined, options.lastModified);
  }
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const entityId = (payload as { id?: unknown } | null)?.id;
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'x-violet-hmac': sign(body, secret),
    'x-violet-topic': type,
    'x-violet-event-id': options.eventId ?? nextEventId(),
    'x-violet-webhook-id': '1',
    'x-violet-entity-length': String(Buffer.byteLength(body)),
  };
  if (typeof entityId === 'number' || typeof entityId === 'string')
    headers['x-violet-entity-id'] = String(entityId);
  if (isOrder && typeof entityId === 'number') headers['x-violet-order-id'] = String(entityId);
  if (bagId !== undefined) headers['x-violet-bag-id'] = String(bagId);
  if (options.skuId !== undefined) headers['x-violet-sku-id'] = String(options.skuId);
  return { headers: { ...headers, ...options.headers }, body };
}
