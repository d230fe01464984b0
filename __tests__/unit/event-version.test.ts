import express from 'express';
import request from 'supertest';
import { violetWebhooks, type VioletEvent } from '../../lib';
import { eventVersion } from '../../lib/receive/event-version';
import { createDelivery, samplePayload } from '../../lib/testing';

const SECRET = 'event-version-secret';

/** The event the middleware builds from a delivery, over HTTP. */
async function eventOf(delivery: ReturnType<typeof createDelivery>): Promise<VioletEvent> {
  const violet = violetWebhooks({ secret: SECRET, dedupe: false });
  let seen: VioletEvent | undefined;
  violet.on('*', (event) => {
    seen = event;
  });
  const app = express().post('/', violet);
  await request(app).post('/').set(delivery.headers).send(delivery.body).expect(200);
  return seen as VioletEvent;
}

describe('eventVersion', () => {
  test('an order event naming a bag of the order: that bag and its date', async () => {
    const order = samplePayload('ORDER_SHIPPED');
    const bag = order.bags[0];
    bag.date_last_modified = '2025-04-08T16:21:52+0000';
    order.date_last_modified = '2025-04-08T16:30:00+0000';
    const event = await eventOf(
      createDelivery({ type: 'ORDER_SHIPPED', secret: SECRET, payload: order, bagId: bag.id }),
    );
    expect(eventVersion(event)).toEqual({
      key: `bag:${bag.id}`,
      at: Date.parse('2025-04-08T16:21:52Z'),
    });
  });

  test('an order event naming no bag of the order: the order and its date', async () => {
    const order = samplePayload('ORDER_UPDATED');
    order.date_last_modified = '2025-04-08T16:30:00Z';
    const event = await eventOf(
      createDelivery({ type: 'ORDER_UPDATED', secret: SECRET, payload: order, bagId: 1 }),
    );
    expect(eventVersion(event)).toEqual({
      key: `order:${order.id}`,
      at: Date.parse('2025-04-08T16:30:00Z'),
    });
  });

  test.each([
    ['MERCHANT_CONNECTED', 'merchant:'],
    ['OFFER_UPDATED', 'offer:'],
    ['COLLECTION_UPDATED', 'collection:'],
    ['PRODUCT_SYNC_COMPLETED', 'sync:'],
    ['MERCHANT_PAYOUT_ACCOUNT_ACTIVATED', 'payout-account:'],
    ['PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED', 'payment-transaction:'],
    ['TRANSFER_SENT', 'transfer:'],
  ] as const)('%s: %s<id> and its date', async (type, prefix) => {
    const payload = samplePayload(type) as { id: number; date_last_modified?: string | null };
    payload.date_last_modified = '2025-04-08T16:21:52Z';
    const event = await eventOf(createDelivery({ type, secret: SECRET, payload }));
    expect(eventVersion(event)).toEqual({
      key: `${prefix}${payload.id}`,
      at: Date.parse('2025-04-08T16:21:52Z'),
    });
  });

  test.each([null, 'not a date'])('no version when the date is %p', async (date) => {
    const payload = samplePayload('MERCHANT_CONNECTED');
    payload.date_last_modified = date;
    const event = await eventOf(
      createDelivery({ type: 'MERCHANT_CONNECTED', secret: SECRET, payload }),
    );
    expect(eventVersion(event)).toBeUndefined();
  });

  test('no version for a type the package does not know', async () => {
    const event = await eventOf(
      createDelivery({
        type: 'SOMETHING_NEW' as 'ORDER_SHIPPED',
        secret: SECRET,
        payload: { id: 1 },
      }),
    );
    expect(event.family).toBe('unknown');
    expect(eventVersion(event)).toBeUndefined();
  });
});

describe("createDelivery's lastModified", () => {
  test('sets the named bag of an order event, and leaves the order and the other bags', () => {
    const order = samplePayload('ORDER_SHIPPED');
    const [first, second] = order.bags as [(typeof order.bags)[0], (typeof order.bags)[0]];
    const d = createDelivery({
      type: 'ORDER_SHIPPED',
      secret: SECRET,
      payload: order,
      bagId: second.id,
      lastModified: new Date('2031-01-02T03:04:05.900Z'),
    });
    const sent = JSON.parse(d.body) as typeof order;
    expect(sent.bags.map((b) => b.date_last_modified)).toEqual([
      first.date_last_modified,
      '2031-01-02T03:04:05+0000',
    ]);
    expect(sent.date_last_modified).toBe(order.date_last_modified);
    // The caller's payload is not changed.
    expect(second.date_last_modified).not.toBe('2031-01-02T03:04:05+0000');
  });

  test('sets the entity of another family, from a string as given', () => {
    const d = createDelivery({
      type: 'MERCHANT_CONNECTED',
      secret: SECRET,
      lastModified: '2025-04-08T16:21:52Z',
    });
    expect((JSON.parse(d.body) as { date_last_modified: string }).date_last_modified).toBe(
      '2025-04-08T16:21:52Z',
    );
  });

  test('an older snapshot has an older version', async () => {
    const at = (lastModified: string) =>
      eventOf(createDelivery({ type: 'ORDER_SHIPPED', secret: SECRET, lastModified })).then(
        (event) => eventVersion(event)?.at,
      );
    expect(await at('2025-04-08T16:21:51+0000')).toBeLessThan(
      (await at('2025-04-08T16:21:52+0000')) as number,
    );
  });

  test('refuses a payload given as a string, and an invalid Date', () => {
    expect(() =>
      createDelivery({ type: 'ORDER_SHIPPED', secret: SECRET, payload: '{}', lastModified: 'x' }),
    ).toThrow(/lastModified needs the payload as an object/);
    expect(() =>
      createDelivery({ type: 'ORDER_SHIPPED', secret: SECRET, lastModified: new Date('nope') }),
    ).toThrow(/invalid Date/);
  });
});
