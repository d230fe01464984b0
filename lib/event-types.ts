/**
 * Violet's event catalogue: every event type, grouped by the entity family whose payload it
 * carries. Source: docs.violet.io, prism/webhooks/events and its entity pages.
 */
export const EVENT_TYPES_BY_FAMILY = {
  order: [
    'ORDER_ACCEPTED',
    'ORDER_UPDATED',
    'ORDER_COMPLETED',
    'ORDER_SHIPPED',
    'ORDER_DELIVERED',
    'ORDER_REFUNDED',
    'ORDER_RETURNED',
    'ORDER_CANCELLED',
    'ORDER_FAILED',
    'RELAY_ORDER_UPDATED',
  ],
  merchant: [
    'MERCHANT_CONNECTED',
    'MERCHANT_DISCONNECTED',
    'MERCHANT_ENABLED',
    'MERCHANT_DISABLED',
    'MERCHANT_COMPLETE',
    'MERCHANT_NEEDS_ATTENTION',
  ],
  offer: [
    'OFFER_CREATED',
    'OFFER_ADDED',
    'OFFER_UPDATED',
    'OFFER_REMOVED',
    'OFFER_DELETED',
    'RELAY_OFFER_CREATED',
    'RELAY_OFFER_UPDATED',
    'RELAY_OFFER_REMOVED',
  ],
  collection: [
    'COLLECTION_CREATED',
    'COLLECTION_UPDATED',
    'COLLECTION_REMOVED',
    'COLLECTION_OFFERS_UPDATED',
  ],
  sync: [
    'PRODUCT_SYNC_STARTED',
    'PRODUCT_SYNC_COMPLETED',
    'PRODUCT_SYNC_FAILED',
    'COLLECTION_SYNC_STARTED',
    'COLLECTION_SYNC_COMPLETED',
    'COLLECTION_SYNC_FAILED',
  ],
  payoutAccount: [
    'MERCHANT_PAYOUT_ACCOUNT_CREATED',
    'MERCHANT_PAYOUT_ACCOUNT_REQUIREMENTS_UPDATED',
    'MERCHANT_PAYOUT_ACCOUNT_ACTIVATED',
    'MERCHANT_PAYOUT_ACCOUNT_DEACTIVATED',
    'MERCHANT_PAYOUT_ACCOUNT_DELETED',
  ],
  transaction: [
    'PAYMENT_TRANSACTION_CAPTURE_STATUS_UPDATED',
    'PAYMENT_TRANSACTION_AUTHORIZED',
    'PAYMENT_TRANSACTION_CAPTURED',
    'PAYMENT_TRANSACTION_REFUNDED',
    'PAYMENT_TRANSACTION_PARTIALLY_REFUNDED',
    'PAYMENT_TRANSACTION_FAILED',
  ],
  transfer: [
    'TRANSFER_SENT',
    'TRANSFER_PARTIALLY_SENT',
    'TRANSFER_FAILED',
    'TRANSFER_UPDATED',
    'TRANSFER_REVERSED',
    'TRANSFER_PARTIALLY_REVERSED',
    'TRANSFER_REVERSAL_FAILED',
  ],
} as const;

type ByFamily = typeof EVENT_TYPES_BY_FAMILY;

/**
 * An entity family; also the name of the event field that holds the payload.
 *
 * @example
 * const field: EventFamily = 'payoutAccount'; // event.payoutAccount
 */
export type EventFamily = keyof ByFamily;

/**
 * The event types of one family.
 *
 * @example
 * type TransferType = EventTypeOf<'transfer'>; // 'TRANSFER_SENT' | ...
 */
export type EventTypeOf<F extends EventFamily> = ByFamily[F][number];

/**
 * Every event type this package knows, in its canonical spelling.
 *
 * @example
 * const subscribed: VioletEventType[] = ['ORDER_SHIPPED', 'ORDER_REFUNDED'];
 */
export type VioletEventType = EventTypeOf<EventFamily>;

/**
 * Every event type this package knows, in its canonical spelling.
 *
 * @example
 * import { VIOLET_EVENT_TYPES } from 'express-violet-webhooks';
 * VIOLET_EVENT_TYPES.includes('ORDER_SHIPPED'); // true
 */
export const VIOLET_EVENT_TYPES: readonly VioletEventType[] = Object.freeze(
  Object.values(EVENT_TYPES_BY_FAMILY).flat(),
);

/** Spellings Violet also sends, mapped to the canonical one. */
const ALIASES: ReadonlyMap<string, VioletEventType> = new Map([
  // Both spellings occur in Violet's own enums.
  ['ORDER_CANCELED', 'ORDER_CANCELLED'],
]);

const FAMILY_OF = new Map<string, EventFamily>();
for (const [family, types] of Object.entries(EVENT_TYPES_BY_FAMILY)) {
  for (const type of types) FAMILY_OF.set(type, family as EventFamily);
}

/** The canonical spelling of a known topic, or undefined for a topic this package does not know. */
export function canonicalEventType(topic: string): VioletEventType | undefined {
  if (FAMILY_OF.has(topic)) return topic as VioletEventType;
  return ALIASES.get(topic);
}

/** The family of a known event type. */
export function familyOf(type: VioletEventType): EventFamily {
  return FAMILY_OF.get(type) as EventFamily;
}

/**
 * Whether a value names a known event type, in its canonical spelling.
 *
 * @example
 * if (isVioletEventType(topic)) subscribe(topic);
 */
export function isVioletEventType(value: unknown): value is VioletEventType {
  return typeof value === 'string' && FAMILY_OF.has(value);
}
