// Bodies as Violet really sends them are accepted: the schemas are no stricter than Violet's
// spec (every field optional in the models generated from its OpenAPI; a transfer's amount
// optional in its API reference) and than what it prints (an unset list as null). Only the ids
// the event is built from stay required.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import express from 'express';
import { violetWebhooks, type VioletEvent, type VioletEventType } from '../../lib';
import { samplePayload } from '../../lib/testing';
import { deliver, PATH } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';

type Json = Record<string, unknown>;

function fixture(name: string): Json {
  return JSON.parse(
    readFileSync(path.join(__dirname, '../fixtures/violet', `${name}.json`), 'utf8'),
  ) as Json;
}

/** An app whose `'*'` listener records every event it accepts. */
function recordingApp() {
  const violet = violetWebhooks({ secret: SECRET, dedupe: false });
  const received: VioletEvent[] = [];
  violet.on('*', (event) => void received.push(event));
  const app = express();
  app.post(PATH, violet);
  return { app, received };
}

/** The order event among those received (fails the test when there is none). */
function orderEvent(received: VioletEvent[]) {
  expect(received).toHaveLength(1);
  const [event] = received;
  if (event?.family !== 'order') throw new Error(`expected an order event, got ${event?.type}`);
  return event;
}

const bagsOf = (o: Json) => o.bags as Json[];
const skusOf = (o: Json, bag: number) => bagsOf(o)[bag]!.skus as Json[];

describe("a bag whose skus is null, as Violet prints a bag's taxes and transactions", () => {
  const { app, received } = recordingApp();
  beforeEach(() => void (received.length = 0));

  test('answers 200; event.bag is the bag, event.sku undefined', async () => {
    const order = fixture('order-bag-skus-null');
    const d = delivery('ORDER_UPDATED', { payload: order, bagId: 22223, skuId: 99998 });
    await deliver(app, d).expect(200, { received: true });
    const event = orderEvent(received);
    expect(event.order).toEqual(order);
    expect(event.orderId).toBe(10000);
    expect(event.bagId).toBe(22223);
    expect(event.bag).toEqual(bagsOf(order)[1]);
    expect(event.bag?.skus).toBeNull();
    expect(event.skuId).toBe(99998);
    expect(event.sku).toBeUndefined();
  });

  test('the line item of another bag of the same order still resolves', async () => {
    const d = delivery('ORDER_UPDATED', {
      payload: fixture('order-bag-skus-null'),
      bagId: 11111,
      skuId: 99999,
    });
    await deliver(app, d).expect(200, { received: true });
    const event = orderEvent(received);
    expect(event.bag?.id).toBe(11111);
    expect(event.sku).toMatchObject({ id: 10000, sku_id: 99999 });
  });

  test('a bag without skus at all answers 200 likewise', async () => {
    const order = samplePayload('ORDER_SHIPPED') as unknown as Json;
    delete bagsOf(order)[0]!.skus;
    const d = delivery('ORDER_SHIPPED', { payload: order, bagId: 11111, skuId: 33331 });
    await deliver(app, d).expect(200, { received: true });
    const event = orderEvent(received);
    expect(event.bag?.id).toBe(11111);
    expect(event.sku).toBeUndefined();
  });
});

describe("a transfer without amount (optional in Violet's API reference)", () => {
  const { app, received } = recordingApp();
  beforeEach(() => void (received.length = 0));

  test('absent: answers 200 and event.transfer has no amount', async () => {
    const transfer = fixture('transfer-pending-no-amount');
    await deliver(app, delivery('TRANSFER_UPDATED', { payload: transfer })).expect(200, {
      received: true,
    });
    expect(received).toHaveLength(1);
    const [event] = received;
    if (event?.family !== 'transfer') throw new Error('expected a transfer event');
    expect(event.transfer).toEqual(transfer);
    expect(event.transfer.amount).toBeUndefined();
  });

  test('null: answers 200', async () => {
    const transfer = { ...samplePayload('TRANSFER_SENT'), amount: null };
    await deliver(app, delivery('TRANSFER_SENT', { payload: transfer })).expect(200);
    expect(received).toHaveLength(1);
  });
});

/** Each rule relaxed, on the sample of its family: the body is accepted and reaches listeners. */
describe.each<[string, VioletEventType, (body: Json) => void]>([
  ['an order whose bags is null', 'ORDER_UPDATED', (o) => (o.bags = null)],
  ['an order without bags', 'ORDER_UPDATED', (o) => delete o.bags],
  ['an order whose status is null', 'ORDER_COMPLETED', (o) => (o.status = null)],
  ['a bag whose status is null', 'ORDER_ACCEPTED', (o) => (bagsOf(o)[0]!.status = null)],
  ['a bag whose skus is null', 'ORDER_SHIPPED', (o) => (bagsOf(o)[0]!.skus = null)],
  ['a line item whose id is null', 'ORDER_DELIVERED', (o) => (skusOf(o, 0)[1]!.id = null)],
  ['a line item without id', 'ORDER_REFUNDED', (o) => delete skusOf(o, 0)[1]!.id],
  ['an offer sku whose id is null', 'OFFER_UPDATED', (o) => ((o.skus as Json[])[0]!.id = null)],
  ['an offer sku without id', 'OFFER_ADDED', (o) => delete (o.skus as Json[])[0]!.id],
  ['a transfer whose amount is null', 'TRANSFER_FAILED', (o) => (o.amount = null)],
  ['a transfer without amount', 'TRANSFER_REVERSED', (o) => delete o.amount],
])('%s (%s)', (_label, type, relax) => {
  test('answers 200 and reaches the listeners with the body as sent', async () => {
    const { app, received } = recordingApp();
    const body = samplePayload(type) as unknown as Json;
    relax(body);
    await deliver(app, delivery(type, { payload: body })).expect(200, {
      received: true,
    });
    expect(received).toHaveLength(1);
    expect(received[0]?.payload).toEqual(body);
  });
});

test('a line item without id still resolves as event.sku by its sku_id', async () => {
  const { app, received } = recordingApp();
  const order = samplePayload('ORDER_SHIPPED') as unknown as Json;
  delete skusOf(order, 0)[1]!.id;
  const d = delivery('ORDER_SHIPPED', { payload: order, bagId: 11111, skuId: 33332 });
  await deliver(app, d).expect(200);
  const event = orderEvent(received);
  expect(event.sku).toMatchObject({ sku_id: 33332, name: 'Wool Socks' });
  expect(event.sku?.id).toBeUndefined();
});

test('without bags, event.bag and event.sku are undefined and orderId is the order id', async () => {
  const { app, received } = recordingApp();
  const order = { ...samplePayload('ORDER_UPDATED'), bags: null };
  const d = delivery('ORDER_UPDATED', { payload: order, bagId: 11111, skuId: 33331 });
  await deliver(app, d).expect(200);
  const event = orderEvent(received);
  expect(event.orderId).toBe(12345);
  expect(event.bagId).toBe(11111);
  expect(event.bag).toBeUndefined();
  expect(event.sku).toBeUndefined();
});

/** The ids the event is built from stay required: without them, 422 and no listener runs. */
describe('the ids the event is built from are still required', () => {
  test.each<[string, VioletEventType, (body: Json) => void, string]>([
    ['an order without id', 'ORDER_UPDATED', (o) => delete o.id, ''],
    ['an order whose id is null', 'ORDER_UPDATED', (o) => (o.id = null), '/id'],
    ['a bag without id', 'ORDER_SHIPPED', (o) => delete bagsOf(o)[1]!.id, '/bags/1'],
    ['a bag whose id is null', 'ORDER_SHIPPED', (o) => (bagsOf(o)[0]!.id = null), '/bags/0/id'],
    [
      'a line item without sku_id',
      'ORDER_SHIPPED',
      (o) => delete skusOf(o, 0)[0]!.sku_id,
      '/bags/0/skus/0',
    ],
    ['a transfer without id', 'TRANSFER_UPDATED', (o) => delete o.id, ''],
    ['a merchant whose id is null', 'MERCHANT_CONNECTED', (o) => (o.id = null), '/id'],
  ])('%s (%s) answers 422 SCHEMA_MISMATCH', async (_label, type, breakIt, where) => {
    const { app, received } = recordingApp();
    const body = samplePayload(type) as unknown as Json;
    breakIt(body);
    const res = await deliver(app, delivery(type, { payload: body }));
    expect({ status: res.status, code: res.body.error?.code }).toEqual({
      status: 422,
      code: 'SCHEMA_MISMATCH',
    });
    expect(res.body.error.errors[0].path).toBe(where);
    expect(received).toHaveLength(0);
  });
});

describe('ids beyond Number.MAX_SAFE_INTEGER are still refused where a rule was relaxed', () => {
  const UNSAFE = '9007199254740993';

  test.each<[string, VioletEventType, () => Json, string, string]>([
    [
      'a line item id, now optional',
      'ORDER_SHIPPED',
      () => samplePayload('ORDER_SHIPPED') as unknown as Json,
      '"id":22221',
      '/bags/0/skus/0/id',
    ],
    [
      'an offer sku id, now optional',
      'OFFER_UPDATED',
      () => samplePayload('OFFER_UPDATED') as unknown as Json,
      `"id":${String((samplePayload('OFFER_UPDATED').skus ?? [])[0]?.id)}`,
      '/skus/0/id',
    ],
    [
      'the id of an order whose bag has null skus',
      'ORDER_UPDATED',
      () => fixture('order-bag-skus-null'),
      '"id":10000',
      '/id',
    ],
    [
      'the id of a transfer without amount',
      'TRANSFER_UPDATED',
      () => fixture('transfer-pending-no-amount'),
      '"id":335500',
      '/id',
    ],
  ])('%s (%s): 422 SCHEMA_MISMATCH', async (_label, type, body, exact, where) => {
    const { app, received } = recordingApp();
    const text = JSON.stringify(body());
    expect(text).toContain(exact);
    const unsafe = text.replace(exact, exact.replace(/\d+$/, UNSAFE));
    const res = await deliver(app, delivery(type, { payload: unsafe }));
    expect({ status: res.status, code: res.body.error?.code }).toEqual({
      status: 422,
      code: 'SCHEMA_MISMATCH',
    });
    expect(res.body.error.errors[0].path).toBe(where);
    expect(received).toHaveLength(0);
  });
});
