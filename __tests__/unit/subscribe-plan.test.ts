import { planSubscriptions } from '../../lib/admin/subscribe';
import type { Webhook } from '../../lib/admin/types';

const URL = 'https://shop.example.com/webhooks/violet';
const OTHER = 'https://old.example.com/hooks';
const hook = (id: number, event: string, remote_endpoint: string, status = 'ACTIVE'): Webhook => ({
  id,
  event,
  remote_endpoint,
  status,
});

describe('planSubscriptions: one ACTIVE webhook per wanted type at the URL', () => {
  test('a type with none is created; one already right is unchanged', () => {
    const plan = planSubscriptions(
      [hook(1, 'ORDER_SHIPPED', URL)],
      ['ORDER_SHIPPED', 'ORDER_UPDATED'],
      URL,
    );
    expect(plan).toEqual({
      created: [{ event: 'ORDER_UPDATED' }],
      updated: [],
      unchanged: [{ event: 'ORDER_SHIPPED', webhookId: 1 }],
    });
  });

  test('one at the URL but not ACTIVE is re-activated, saying what it was', () => {
    const plan = planSubscriptions(
      [hook(2, 'ORDER_SHIPPED', URL, 'DISABLED')],
      ['ORDER_SHIPPED'],
      URL,
    );
    expect(plan.updated).toEqual([
      { event: 'ORDER_SHIPPED', webhookId: 2, from: { url: URL, status: 'DISABLED' } },
    ]);
  });

  test('a type whose webhooks all point elsewhere has its first one re-pointed; the others are left', () => {
    const plan = planSubscriptions(
      [
        hook(3, 'ORDER_SHIPPED', OTHER),
        hook(4, 'ORDER_SHIPPED', OTHER),
        hook(5, 'MERCHANT_CONNECTED', OTHER),
      ],
      ['ORDER_SHIPPED'],
      URL,
    );
    expect(plan).toEqual({
      created: [],
      updated: [{ event: 'ORDER_SHIPPED', webhookId: 3, from: { url: OTHER, status: 'ACTIVE' } }],
      unchanged: [],
    });
  });

  test('a webhook at the URL is kept over one elsewhere, and a type asked for twice is planned once', () => {
    const plan = planSubscriptions(
      [hook(6, 'ORDER_SHIPPED', OTHER), hook(7, 'ORDER_SHIPPED', URL)],
      ['ORDER_SHIPPED', 'ORDER_SHIPPED'],
      URL,
    );
    expect(plan.unchanged).toEqual([{ event: 'ORDER_SHIPPED', webhookId: 7 }]);
    expect(plan.created).toEqual([]);
    expect(plan.updated).toEqual([]);
  });
});
