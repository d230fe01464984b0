import { familyOf } from '../event-types';
import type { VioletEvent } from '../events';
import type { Bag, Order, OrderSku } from '../generated/payloads';
import type { DeliveryHeaders } from './read-headers';

function findById<T extends { id: number }>(items: unknown, id: number | undefined): T | undefined {
  if (id === undefined || !Array.isArray(items)) return undefined;
  for (const item of items as T[]) {
    if (item !== null && typeof item === 'object' && item.id === id) return item;
  }
  return undefined;
}

function findSku(bag: Bag | undefined, skuId: number | undefined): OrderSku | undefined {
  if (bag === undefined || skuId === undefined || !Array.isArray(bag.skus)) return undefined;
  for (const sku of bag.skus) {
    if (sku !== null && typeof sku === 'object' && sku.sku_id === skuId) return sku;
  }
  return undefined;
}

/**
 * What the claim (step 9) found of the event's version: the one field written after the event
 * was built, by the pipeline and by a worker rebuilding it from its job.
 */
export function setStale(event: VioletEvent, stale: boolean | undefined): void {
  (event as { stale?: boolean | undefined }).stale = stale;
}

/**
 * Step 8: the typed event. Order events get the bag named by `x-violet-bag-id` and, inside it,
 * the line item whose `sku_id` is `x-violet-sku-id`. Defensive about the shapes of bags and line
 * items, because with `validation: 'off'` they may be any JSON. Each family's object is written
 * out whole, fields in one order, so that every event of a family shares one hidden class and
 * no intermediate object is made. `stale` is written by the claim (step 9), which knows it; it is
 * in the literal so that writing it keeps the shape.
 */
export function buildEvent(
  h: DeliveryHeaders,
  payload: unknown,
  secretIndex: number,
  receivedAt: Date,
): VioletEvent {
  const type = h.type;
  if (type === undefined) {
    return {
      type: 'unknown',
      family: 'unknown',
      rawType: h.rawType,
      id: h.eventId,
      webhookId: h.webhookId,
      sourceEventId: h.sourceEventId,
      entityId: h.entityId,
      reason: h.reason,
      externalId: h.externalId,
      headers: h.all,
      receivedAt,
      secretIndex,
      stale: undefined,
      payload,
    };
  }
  const family = familyOf(type);
  if (family === 'order') {
    // checkIds made sure the order is an object with a safe id where the header gives none.
    const order = payload as Order;
    const bag = findById<Bag>(order.bags, h.bagId);
    return {
      type,
      family,
      rawType: h.rawType,
      id: h.eventId,
      webhookId: h.webhookId,
      sourceEventId: h.sourceEventId,
      entityId: h.entityId,
      reason: h.reason,
      externalId: h.externalId,
      headers: h.all,
      receivedAt,
      secretIndex,
      stale: undefined,
      payload: order,
      order,
      orderId: h.orderId ?? order.id,
      bagId: h.bagId,
      skuId: h.skuId,
      bag,
      sku: findSku(bag, h.skuId),
    } as VioletEvent;
  }
  return {
    type,
    family,
    rawType: h.rawType,
    id: h.eventId,
    webhookId: h.webhookId,
    sourceEventId: h.sourceEventId,
    entityId: h.entityId,
    reason: h.reason,
    externalId: h.externalId,
    headers: h.all,
    receivedAt,
    secretIndex,
    stale: undefined,
    payload,
    // The field named after the family (`merchant`, `transfer`, …): TypeScript cannot tie a
    // computed key to the type, hence the cast through unknown.
    [family]: payload,
  } as unknown as VioletEvent;
}
