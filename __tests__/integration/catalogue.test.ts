import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import {
  VIOLET_EVENT_TYPES,
  violetWebhooks,
  type VioletEvent,
  type VioletEventType,
} from '../../lib';
import { familyOf, type EventFamily } from '../../lib/event-types';
import { samplePayload } from '../../lib/testing';
import { deliver, PATH } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';

function fixture(name: string): unknown {
  return JSON.parse(
    readFileSync(path.join(__dirname, '../fixtures/violet', `${name}.json`), 'utf8'),
  );
}

/** An app with a listener on every known type, recording which listener got which event. */
function catalogueApp() {
  const violet = violetWebhooks({ secret: SECRET, dedupe: false });
  const received: { listener: string; event: VioletEvent }[] = [];
  for (const type of VIOLET_EVENT_TYPES) {
    violet.on(type, (event: VioletEvent) => void received.push({ listener: type, event }));
  }
  const app = express();
  app.post(PATH, violet);
  return { app, received };
}

describe('every known event type, over HTTP', () => {
  const { app, received } = catalogueApp();
  beforeEach(() => void (received.length = 0));

  test.each([...VIOLET_EVENT_TYPES])(
    'a signed sample of %s answers 200 and carries its family field',
    async (type) => {
      const payload = samplePayload(type);
      const d = delivery(type, { payload });
      await deliver(app, d).expect(200, { received: true });
      expect(received).toHaveLength(1);
      const [{ listener, event }] = received as [{ listener: string; event: VioletEvent }];
      const family = familyOf(type);
      expect(listener).toBe(type);
      expect(event.type).toBe(type);
      expect(event.family).toBe(family);
      expect((event as unknown as Record<EventFamily, unknown>)[family]).toEqual(payload);
    },
  );

  test.each<[string, VioletEventType, EventFamily, string]>([
    [
      'order-submit-cart',
      'ORDER_ACCEPTED',
      'order',
      'the submit-cart response, a null shipping method, a new status',
    ],
    ['transfer-failed', 'TRANSFER_FAILED', 'transfer', 'the transfer-events sample with an error'],
    [
      'order-bag-skus-null',
      'ORDER_UPDATED',
      'order',
      "a bag whose skus, taxes and transactions are null, as Violet prints a bag's lists",
    ],
    [
      'transfer-pending-no-amount',
      'TRANSFER_UPDATED',
      'transfer',
      "a pending transfer without amount (optional in Violet's API reference)",
    ],
    [
      'payout-account-created',
      'MERCHANT_PAYOUT_ACCOUNT_CREATED',
      'payoutAccount',
      'the payout-account-events sample',
    ],
    [
      'merchant-connected',
      'MERCHANT_CONNECTED',
      'merchant',
      'null email, Z and +0000 dates, an unknown field',
    ],
    [
      'offer-updated',
      'OFFER_UPDATED',
      'offer',
      'null fields and albums, which the schema does not name',
    ],
    ['collection-created', 'COLLECTION_CREATED', 'collection', 'an AUTOMATED collection'],
    [
      'product-sync-completed',
      'PRODUCT_SYNC_COMPLETED',
      'sync',
      'a sync type the schema does not name',
    ],
    [
      'payment-transaction-captured',
      'PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED',
      'transaction',
      'a null date',
    ],
  ])('%s (%s): %s', async (name, type, family) => {
    const payload = fixture(name);
    const d = delivery(type, { payload, bagId: type.startsWith('ORDER') ? 22223 : undefined });
    await deliver(app, d).expect(200);
    expect(received).toHaveLength(1);
    expect((received[0]?.event as unknown as Record<EventFamily, unknown>)[family]).toEqual(
      payload,
    );
    if (family === 'order')
      expect((received[0]?.event as { bag?: { merchant_name?: string } }).bag?.merchant_name).toBe(
        'Toy Palace',
      );
  });
});

/** One type of each family, the field that holds an amount (or another typed number) in it. */
const FAMILIES: [EventFamily, VioletEventType, string][] = [
  ['order', 'ORDER_SHIPPED', 'total'],
  ['merchant', 'MERCHANT_CONNECTED', 'commission_rate'],
  ['offer', 'OFFER_ADDED', 'min_price'],
  ['collection', 'COLLECTION_UPDATED', 'merchant_id'],
  ['sync', 'PRODUCT_SYNC_COMPLETED', 'total_products'],
  ['payoutAccount', 'MERCHANT_PAYOUT_ACCOUNT_ACTIVATED', 'merchant_id'],
  ['transaction', 'PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED', 'amount'],
  ['transfer', 'TRANSFER_SENT', 'amount'],
];

describe.each(FAMILIES)(
  'broken %s bodies answer 422 and reach no listener',
  (_family, type, amountField) => {
    const { app, received } = catalogueApp();
    const sample = () => samplePayload(type) as unknown as Record<string, unknown>;

    test.each<[string, () => unknown, string]>([
      ['missing id', () => ({ ...sample(), id: undefined }), ''],
      ['an id of the wrong type', () => ({ ...sample(), id: '12345' }), '/id'],
      [
        'a number sent as a string',
        () => ({ ...sample(), [amountField]: '100' }),
        `/${amountField}`,
      ],
      ['an array for a body', () => [sample()], ''],
      ['null for a body', () => null, ''],
    ])('%s', async (_label, body, pathPrefix) => {
      const d = delivery(type, { payload: JSON.stringify(body()) });
      const res = await deliver(app, d);
      expect({ status: res.status, code: res.body.error?.code }).toEqual({
        status: 422,
        code: 'SCHEMA_MISMATCH',
      });
      expect(res.body.error.errors[0].path.startsWith(pathPrefix)).toBe(true);
      expect(received).toHaveLength(0);
    });
  },
);

test.each([
  [
    'a bag id as a string',
    (o: Record<string, unknown>) => ((o.bags as Record<string, unknown>[])[0]!.id = '11111'),
    '/bags/0/id',
  ],
  [
    'a line item without sku_id',
    (o: Record<string, unknown>) =>
      delete (o.bags as { skus: Record<string, unknown>[] }[])[0]!.skus[0]!.sku_id,
    '/bags/0/skus/0',
  ],
  [
    'a line item price as a string',
    (o: Record<string, unknown>) =>
      ((o.bags as { skus: Record<string, unknown>[] }[])[0]!.skus[1]!.price = '12.50'),
    '/bags/0/skus/1/price',
  ],
  ['no id', (o: Record<string, unknown>) => delete o.id, ''],
  [
    'a line item whose sku_id is null',
    (o: Record<string, unknown>) =>
      ((o.bags as { skus: Record<string, unknown>[] }[])[0]!.skus[0]!.sku_id = null),
    '/bags/0/skus/0/sku_id',
  ],
])('an order with %s answers 422 naming %s', async (_label, breakIt, where) => {
  const { app, received } = catalogueApp();
  const order = samplePayload('ORDER_SHIPPED') as unknown as Record<string, unknown>;
  breakIt(order);
  const d = delivery('ORDER_SHIPPED', { payload: order });
  const res = await deliver(app, d);
  expect(res.status).toBe(422);
  expect(res.body.error.errors[0].path).toBe(where);
  expect(received).toHaveLength(0);
});
