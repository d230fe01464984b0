import {
  violetWebhooks,
  type MerchantEvent,
  type OrderEvent,
  type VioletEvent,
  type VioletWebhooksOptions,
} from '../../lib';
import { samplePayload } from '../../lib/testing';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { SECRET, delivery } from '../helpers/deliveries';
import { gate, sleep } from '../helpers/wait';

describe.each(EXPRESS_VERSIONS)('events and listeners over HTTP (%s)', (_name, express) => {
  function setup(options: Partial<VioletWebhooksOptions> = {}) {
    const violet = violetWebhooks({ secret: SECRET, ...options });
    return { violet, app: appWith(express, violet) };
  }

  test('an order event carries the order, the bag of x-violet-bag-id and the line item of x-violet-sku-id', async () => {
    const { violet, app } = setup();
    const events: OrderEvent[] = [];
    violet.on('ORDER_SHIPPED', (event) => void events.push(event));
    const d = delivery('ORDER_SHIPPED', { bagId: 11111, skuId: 33332, eventId: '987654321' });
    await deliver(app, d).expect(200, { received: true });
    const [event] = events;
    expect(event).toMatchObject({
      type: 'ORDER_SHIPPED',
      family: 'order',
      rawType: 'ORDER_SHIPPED',
      id: '987654321',
      webhookId: '1',
      orderId: 12345,
      bagId: 11111,
      skuId: 33332,
      secretIndex: 0,
    });
    expect(event?.order).toEqual(samplePayload('ORDER_SHIPPED'));
    expect(event?.payload).toBe(event?.order);
    expect(event?.bag?.id).toBe(11111);
    expect(event?.sku).toMatchObject({ id: 22222, sku_id: 33332, name: 'Wool Socks' });
    expect(event?.receivedAt).toBeInstanceOf(Date);
    expect(event?.headers['x-violet-topic']).toBe('ORDER_SHIPPED');
    expect(event?.headers['x-violet-hmac']).toBeUndefined();
  });

  test.each([
    ['no bag header', { bagId: undefined, headers: {} }],
    ['a bag id that names no bag of the order', { bagId: 424242 }],
  ])('bag and sku are undefined with %s', async (_label, options) => {
    const { violet, app } = setup();
    const events: OrderEvent[] = [];
    violet.on('ORDER_UPDATED', (event) => void events.push(event));
    const d = delivery('ORDER_UPDATED', { ...options, skuId: 33331 });
    if (options.bagId === undefined) delete d.headers['x-violet-bag-id'];
    await deliver(app, d).expect(200);
    expect(events[0]?.bag).toBeUndefined();
    expect(events[0]?.sku).toBeUndefined();
    expect(events[0]?.skuId).toBe(33331);
  });

  test('a sku id that names no line item of the bag leaves sku undefined', async () => {
    const { violet, app } = setup();
    const events: OrderEvent[] = [];
    violet.on('ORDER_RETURNED', (event) => void events.push(event));
    await deliver(app, delivery('ORDER_RETURNED', { bagId: 11112, skuId: 33331 })).expect(200);
    expect(events[0]?.bag?.id).toBe(11112);
    expect(events[0]?.sku).toBeUndefined();
  });

  test('ORDER_CANCELED arrives as ORDER_CANCELLED, with rawType kept', async () => {
    const { violet, app } = setup();
    const events: OrderEvent[] = [];
    violet.on('ORDER_CANCELLED', (event) => void events.push(event));
    await deliver(app, delivery('ORDER_CANCELED')).expect(200);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'ORDER_CANCELLED', rawType: 'ORDER_CANCELED' });
  });

  test('a merchant event carries the merchant and the optional headers', async () => {
    const { violet, app } = setup();
    const events: MerchantEvent[] = [];
    violet.on('MERCHANT_ENABLED', (event) => void events.push(event));
    const d = delivery('MERCHANT_ENABLED', {
      headers: {
        'x-violet-reason': 'APP_INSTALLED_ON_PLATFORM',
        'x-violet-event-id-source': '5550001',
        'x-violet-entity-external-id': 'acct_123',
        'x-violet-custom': 'kept',
      },
    });
    await deliver(app, d).expect(200);
    expect(events[0]).toMatchObject({
      family: 'merchant',
      reason: 'APP_INSTALLED_ON_PLATFORM',
      sourceEventId: '5550001',
      externalId: 'acct_123',
      entityId: '10001',
    });
    expect(events[0]?.merchant).toEqual(samplePayload('MERCHANT_ENABLED'));
    expect(events[0]?.headers['x-violet-custom']).toBe('kept');
  });

  test("listeners run in registration order, the type's first, then '*'", async () => {
    const { violet, app } = setup();
    const order: string[] = [];
    violet.on('*', () => void order.push('star-1'));
    violet.on('ORDER_SHIPPED', () => void order.push('type-1'));
    violet.on('ORDER_SHIPPED', () => void order.push('type-2'));
    violet.on('*', () => void order.push('star-2'));
    violet.on('ORDER_UPDATED', () => void order.push('other-type'));
    await deliver(app, delivery('ORDER_SHIPPED')).expect(200);
    expect(order).toEqual(['type-1', 'type-2', 'star-1', 'star-2']);
  });

  test("a listener added or removed between deliveries, of the type or of '*', counts from the next", async () => {
    const { violet, app } = setup();
    const calls: string[] = [];
    const typed = () => void calls.push('type');
    violet.on('ORDER_SHIPPED', typed);
    await deliver(app, delivery('ORDER_SHIPPED')).expect(200);
    violet.on('*', () => void calls.push('star'));
    await deliver(app, delivery('ORDER_SHIPPED')).expect(200);
    violet.off('ORDER_SHIPPED', typed);
    await deliver(app, delivery('ORDER_SHIPPED')).expect(200);
    expect(calls).toEqual(['type', 'type', 'star', 'star']);
  });

  test('the answer waits for every returned promise, which run together', async () => {
    const { violet, app } = setup();
    const finished: string[] = [];
    // Each listener finishes only once the other has started: run one after the other, they
    // would never finish and the delivery would time out.
    const bothStarted = gate();
    let starts = 0;
    const listener = (name: string) => async () => {
      if (++starts === 2) bothStarted.open();
      await bothStarted.opened;
      await sleep(30);
      finished.push(name);
    };
    violet.on('ORDER_SHIPPED', listener('slow'));
    violet.on('*', listener('star'));
    await deliver(app, delivery('ORDER_SHIPPED')).expect(200);
    expect(finished.sort()).toEqual(['slow', 'star']);
  });

  test('once, off and removeAllListeners behave as on an EventEmitter', async () => {
    const { violet, app } = setup();
    let once = 0;
    let removed = 0;
    const remove = () => void (removed += 1);
    expect(violet.once('MERCHANT_CONNECTED', () => void (once += 1))).toBe(violet);
    violet.on('MERCHANT_CONNECTED', remove);
    violet.off('MERCHANT_CONNECTED', remove);
    expect(violet.listenerCount('MERCHANT_CONNECTED')).toBe(1);
    await deliver(app, delivery('MERCHANT_CONNECTED')).expect(200);
    await deliver(app, delivery('MERCHANT_CONNECTED')).expect(200);
    expect({ once, removed }).toEqual({ once: 1, removed: 0 });
    violet.on('*', remove);
    violet.removeAllListeners();
    expect(violet.eventNames()).toEqual([]);
  });

  test("an unknown event type answers 200 and reaches '*' only", async () => {
    const { violet, app } = setup();
    const all: VioletEvent[] = [];
    violet.on('*', (event) => void all.push(event));
    const d = delivery('ORDER_TELEPORTED', { payload: { id: 7, where: 'moon' } });
    await deliver(app, d).expect(200, { received: true });
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      type: 'unknown',
      rawType: 'ORDER_TELEPORTED',
      family: 'unknown',
      payload: { id: 7, where: 'moon' },
    });
  });

  test('a delivery signed with a previous secret is accepted during rotation, with secretIndex', async () => {
    const { violet, app } = setup({ secret: ['new-secret', SECRET] });
    const indexes: number[] = [];
    violet.on('*', (event) => void indexes.push(event.secretIndex));
    await deliver(app, delivery('ORDER_SHIPPED')).expect(200);
    await deliver(app, delivery('ORDER_SHIPPED', { secret: 'new-secret' })).expect(200);
    await deliver(app, delivery('ORDER_SHIPPED', { secret: 'retired-secret' })).expect(401);
    expect(indexes).toEqual([1, 0]);
  });

  test('a rejected delivery with no error listener neither crashes nor emits', async () => {
    const { app } = setup();
    await deliver(app, delivery('ORDER_SHIPPED', { secret: 'wrong' })).expect(401);
    await deliver(app, delivery('ORDER_SHIPPED')).expect(200);
  });

  test('dedupe: false processes every copy', async () => {
    const { violet, app } = setup({ dedupe: false });
    let calls = 0;
    violet.on('ORDER_SHIPPED', () => void (calls += 1));
    const d = delivery('ORDER_SHIPPED');
    await deliver(app, d).expect(200, { received: true });
    await deliver(app, d).expect(200, { received: true });
    expect(calls).toBe(2);
  });

  test("ack: 'immediate' answers before listeners finish; a failure reaches 'error' and frees the retry", async () => {
    const { violet, app } = setup({ ack: 'immediate' });
    const errors: string[] = [];
    violet.on('error', (err) => void errors.push(err.code));
    let calls = 0;
    const listening = gate();
    violet.on('ORDER_SHIPPED', async () => {
      calls += 1;
      await listening.opened;
      if (calls === 1) throw new Error('late failure');
    });
    const d = delivery('ORDER_SHIPPED');
    await deliver(app, d).expect(200, { received: true }); // the listener is still waiting
    expect({ calls, errors }).toEqual({ calls: 1, errors: [] });
    listening.open();
    await sleep(100);
    expect(errors).toEqual(['LISTENER_FAILED']);
    await deliver(app, d).expect(200, { received: true });
    await sleep(100);
    await deliver(app, d).expect(200, { received: true, duplicate: true });
    expect(calls).toBe(2);
  });

  test("validation: 'off' passes a body that breaks the schema", async () => {
    const { violet, app } = setup({ validation: 'off' });
    const events: OrderEvent[] = [];
    violet.on('ORDER_SHIPPED', (event) => void events.push(event));
    await deliver(
      app,
      delivery('ORDER_SHIPPED', {
        payload: { id: 'not-a-number', bags: 'none' },
        bagId: 1,
        headers: { 'x-violet-order-id': '5' },
      }),
    ).expect(200);
    expect(events[0]?.orderId).toBe(5);
    expect(events[0]?.bag).toBeUndefined();
  });

  test('a custom schema replaces the built-in one for its event type', async () => {
    const { violet, app } = setup({
      schemas: {
        MERCHANT_CONNECTED: {
          type: 'object',
          required: ['id', 'vip'],
          properties: { vip: { type: 'boolean' } },
        },
      },
    });
    let calls = 0;
    violet.on('MERCHANT_CONNECTED', () => void (calls += 1));
    const res = await deliver(app, delivery('MERCHANT_CONNECTED'));
    expect(res.status).toBe(422);
    expect(res.body.error.errors[0]).toMatchObject({ keyword: 'required' });
    await deliver(
      app,
      delivery('MERCHANT_CONNECTED', {
        payload: { ...samplePayload('MERCHANT_CONNECTED'), vip: true },
      }),
    ).expect(200);
    await deliver(app, delivery('ORDER_SHIPPED', { payload: { id: 1, bags: 'none' } })).expect(422);
    expect(calls).toBe(1);
  });
});
