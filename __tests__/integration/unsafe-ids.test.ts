import { violetWebhooks, type VioletWebhooksOptions } from '../../lib';
import { samplePayload } from '../../lib/testing';
import { appWith, deliver, EXPRESS_VERSIONS } from '../helpers/apps';
import { delivery, recorder, SECRET } from '../helpers/deliveries';

// 2^53 + 1: JSON.parse reads it as 2^53, another id. Bodies are sent as exact strings.
const UNSAFE = '9007199254740993';

/** The sample order as text, with one id swapped for UNSAFE. */
function orderWith(field: RegExp): string {
  const text = JSON.stringify(samplePayload('ORDER_SHIPPED'));
  const swapped = text.replace(field, (match) => match.replace(/\d+$/, UNSAFE));
  if (swapped === text) throw new Error(`no ${field} in the sample`);
  return swapped;
}

const ORDER_CASES = [
  ['the order id', /^\{"id":\d+/, '/id'],
  ['a bag id', /"bags":\[\{"id":\d+/, '/bags/0/id'],
  ['a line item sku_id', /"sku_id":\d+/, '/bags/0/skus/0/sku_id'],
  ['a line item id', /"skus":\[\{"id":\d+/, '/bags/0/skus/0/id'],
] as const;

const MODES: ReadonlyArray<readonly [string, Partial<VioletWebhooksOptions>]> = [
  ['built-in schemas', {}],
  ["validation: 'off'", { validation: 'off' }],
  ['a loose custom schema', { schemas: { ORDER_SHIPPED: { type: 'object' } } }],
];

describe.each(EXPRESS_VERSIONS)('ids JavaScript cannot hold exactly (%s)', (_name, express) => {
  describe.each(MODES)('with %s', (_mode, options) => {
    const violet = violetWebhooks({ secret: SECRET, ...options });
    const shipped = recorder();
    violet.on('ORDER_SHIPPED', shipped.listener);
    const app = appWith(express, violet);

    test.each(ORDER_CASES)(
      '%s beyond 2^53 is refused with 422, naming %s',
      async (_l, field, path) => {
        const d = delivery('ORDER_SHIPPED', {
          payload: orderWith(field),
          bagId: 11111,
          skuId: 33331,
        });
        const res = await deliver(app, d);
        expect(res.status).toBe(422);
        expect(res.body.error.code).toBe('SCHEMA_MISMATCH');
        expect(res.body.error.errors[0].path).toBe(path);
        expect(res.body.error.message).toContain(path);
        expect(shipped.calls).toHaveLength(0);
      },
    );

    test('the same order with safe ids is accepted', async () => {
      const d = delivery('ORDER_SHIPPED', { bagId: 11111, skuId: 33331 });
      await deliver(app, d).expect(200, { received: true });
      expect(shipped.calls.length).toBeGreaterThan(0);
    });
  });

  test.each(MODES.slice(0, 2))(
    "another family's id beyond 2^53 is refused (%s)",
    async (_m, options) => {
      const app = appWith(express, violetWebhooks({ secret: SECRET, ...options }));
      const text = JSON.stringify(samplePayload('TRANSFER_SENT')).replace(
        /^\{"id":\d+/,
        `{"id":${UNSAFE}`,
      );
      const d = delivery('TRANSFER_SENT', { payload: text });
      const res = await deliver(app, d);
      expect(res.status).toBe(422);
      expect(res.body.error).toMatchObject({ code: 'SCHEMA_MISMATCH', errors: [{ path: '/id' }] });
    },
  );

  describe("with validation: 'off', an order event is still built from an order", () => {
    const app = appWith(express, violetWebhooks({ secret: SECRET, validation: 'off' }));

    test.each([
      ['a JSON string', '"hello"', ''],
      ['an array', '[1,2]', ''],
      ['null', 'null', ''],
      ['an object with no id and no x-violet-order-id', '{"bags":[]}', '/id'],
    ])(
      'a body that is %s gets 422 rather than an event whose orderId is NaN',
      async (_l, body, path) => {
        const d = delivery('ORDER_SHIPPED', { payload: body });
        const res = await deliver(app, d);
        expect(res.status).toBe(422);
        expect(res.body.error).toMatchObject({ code: 'SCHEMA_MISMATCH', errors: [{ path }] });
      },
    );

    test('an object with no id but an x-violet-order-id header is accepted', async () => {
      const d = delivery('ORDER_SHIPPED', {
        payload: '{"bags":[]}',
        headers: { 'x-violet-order-id': '77' },
      });
      await deliver(app, d).expect(200);
    });
  });
});
