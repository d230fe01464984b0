import { VIOLET_EVENT_TYPES, isVioletEventType, type VioletEventType } from '../../lib';
import { canonicalEventType, familyOf } from '../../lib/event-types';
import { samplePayload } from '../../lib/testing';

// Violet's names letter for letter, by family, as its docs spell them (prism/webhooks/events and
// the entity pages): a name Violet does not send could never be subscribed to or received.
const VIOLET_NAMES = {
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
    'PAYMENT_TRANSACTION_CAPTURE_STATUS_AUTHORIZED',
    'PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED',
    'PAYMENT_TRANSACTION_CAPTURE_STATUS_REFUNDED',
    'PAYMENT_TRANSACTION_CAPTURE_STATUS_PARTIALLY_REFUNDED',
    'PAYMENT_TRANSACTION_CAPTURE_STATUS_FAILED',
  ],
  transfer: [
    'TRANSFER_SENT',
    'TRANSFER_PARTIALLY_SENT',
    'TRANSFER_FAILED',
    'TRANSFER_UPDATED',
    'TRANSFER_REVERSED',
    'TRANSFER_PARTIALLY_REVERSED',
    'TRANSFER_PARTIALLY_REFUNDED',
    'TRANSFER_REVERSAL_FAILED',
  ],
};

describe('the event catalogue', () => {
  test("is exactly Violet's names, each in its family, each once", () => {
    expect([...VIOLET_EVENT_TYPES].sort()).toEqual(Object.values(VIOLET_NAMES).flat().sort());
    for (const [family, types] of Object.entries(VIOLET_NAMES)) {
      for (const type of types)
        expect([type, familyOf(type as VioletEventType)]).toEqual([type, family]);
    }
    expect(new Set(VIOLET_EVENT_TYPES).size).toBe(VIOLET_EVENT_TYPES.length);
    expect(Object.isFrozen(VIOLET_EVENT_TYPES)).toBe(true);
  });

  test('the short payment transaction names, which Violet never sends, are unknown', () => {
    for (const short of ['AUTHORIZED', 'CAPTURED', 'REFUNDED', 'PARTIALLY_REFUNDED', 'FAILED']) {
      expect(canonicalEventType(`PAYMENT_TRANSACTION_${short}`)).toBeUndefined();
      expect(canonicalEventType(`PAYMENT_TRANSACTION_CAPTURE_STATUS_${short}`)).toBe(
        `PAYMENT_TRANSACTION_CAPTURE_STATUS_${short}`,
      );
    }
  });

  test('ORDER_CANCELED is an alias of the canonical ORDER_CANCELLED', () => {
    expect(canonicalEventType('ORDER_CANCELED')).toBe('ORDER_CANCELLED');
    expect(VIOLET_EVENT_TYPES).not.toContain('ORDER_CANCELED');
    expect(isVioletEventType('ORDER_CANCELED')).toBe(false);
  });

  test.each(['__proto__', 'constructor', 'toString', 'order_shipped'])(
    '%s is not a known type',
    (topic) => {
      expect(canonicalEventType(topic)).toBeUndefined();
    },
  );

  test('payout account events are not merchant events', () => {
    expect(familyOf('MERCHANT_PAYOUT_ACCOUNT_CREATED')).toBe('payoutAccount');
    expect(familyOf('MERCHANT_CONNECTED')).toBe('merchant');
    expect(familyOf('RELAY_ORDER_UPDATED')).toBe('order');
  });

  test('every type has a sample payload', () => {
    for (const type of VIOLET_EVENT_TYPES) expect(samplePayload(type)).toHaveProperty('id');
  });
});
