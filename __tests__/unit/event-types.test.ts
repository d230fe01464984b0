import { VIOLET_EVENT_TYPES, isVioletEventType } from '../../lib';
import { canonicalEventType, familyOf } from '../../lib/event-types';
import { samplePayload } from '../../lib/testing';

describe('the event catalogue', () => {
  test('holds the 48 documented types plus the 4 legacy RELAY_* types, each once', () => {
    expect(VIOLET_EVENT_TYPES).toHaveLength(52);
    expect(new Set(VIOLET_EVENT_TYPES).size).toBe(52);
    expect(VIOLET_EVENT_TYPES.filter((t) => t.startsWith('RELAY_'))).toHaveLength(4);
    expect(Object.isFrozen(VIOLET_EVENT_TYPES)).toBe(true);
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
