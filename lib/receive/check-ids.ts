import { VioletWebhookError, type SchemaIssue } from '../errors';
import { familyOf } from '../event-types';
import type { DeliveryHeaders } from './read-headers';

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** A whole number that JSON.parse could not hold exactly: it was rounded into another one. */
function isRounded(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && !Number.isSafeInteger(value);
}

const ROUNDED = `must be a whole number JavaScript holds exactly (at most ${Number.MAX_SAFE_INTEGER}); this one was rounded when parsed`;

/** The first id of an order that was rounded, as a JSON Pointer, or undefined. */
function roundedOrderId(order: Json): string | undefined {
  if (isRounded(order.id)) return '/id';
  if (!Array.isArray(order.bags)) return undefined;
  for (let b = 0; b < order.bags.length; b++) {
    const bag: unknown = order.bags[b];
    if (!isObject(bag)) continue;
    if (isRounded(bag.id)) return `/bags/${b}/id`;
    if (!Array.isArray(bag.skus)) continue;
    for (let s = 0; s < bag.skus.length; s++) {
      const sku: unknown = bag.skus[s];
      if (!isObject(sku)) continue;
      if (isRounded(sku.id)) return `/bags/${b}/skus/${s}/id`;
      if (isRounded(sku.sku_id)) return `/bags/${b}/skus/${s}/sku_id`;
    }
  }
  return undefined;
}

function mismatch(h: DeliveryHeaders, issue: SchemaIssue): VioletWebhookError {
  const where = issue.path === '' ? 'the body' : issue.path;
  return new VioletWebhookError(
    'SCHEMA_MISMATCH',
    `the ${h.type ?? h.rawType} body does not match its schema: ${where} ${issue.message}`,
    { eventType: h.type ?? h.rawType, eventId: h.eventId, errors: [issue] },
  );
}

/**
 * Step 7, second half: the ids the event is built from and that listeners key on. It holds with
 * any schema, a custom one or none (`validation: 'off'`): an id JSON.parse rounded is refused
 * (the built-in schemas refuse every such integer already), and an order event needs an order
 * id, from `x-violet-order-id` or the body's `id`, so that `orderId` is never NaN.
 */
export function checkIds(h: DeliveryHeaders, payload: unknown): void {
  if (h.type === undefined) return;
  if (familyOf(h.type) !== 'order') {
    if (isObject(payload) && isRounded(payload.id)) {
      throw mismatch(h, { path: '/id', keyword: 'maximum', message: ROUNDED });
    }
    return;
  }
  if (!isObject(payload)) {
    throw mismatch(h, { path: '', keyword: 'type', message: 'must be an order object' });
  }
  const path = roundedOrderId(payload);
  if (path !== undefined) throw mismatch(h, { path, keyword: 'maximum', message: ROUNDED });
  if (h.orderId === undefined && !Number.isSafeInteger(payload.id)) {
    throw mismatch(h, {
      path: '/id',
      keyword: 'required',
      message: 'must be the order id, a whole number, when x-violet-order-id is absent',
    });
  }
}
