// Compiled by `tsc --noEmit` in `npm test`, never run: each @ts-expect-error line must fail to
// compile, or the type check itself fails.
import express from 'express';
import {
  violetWebhooks,
  type MerchantEvent,
  type OrderEvent,
  type VioletEvent,
  type VioletWebhookError,
  type Order,
  type OrderSku,
  type TransferEvent,
} from '../../lib';

const violet = violetWebhooks({ secret: 'type-test' });

violet.on('ORDER_SHIPPED', (e) => {
  const bags: Order['bags'] = e.order.bags;
  const type: 'ORDER_SHIPPED' = e.type;
  const orderId: number = e.orderId;
  const bagId: number | undefined = e.bag?.id;
  const skuId: number | undefined = e.sku?.sku_id;
  // What may be absent or null in a body Violet sends is typed so; the ids the event is built
  // from are not.
  const lineItems: OrderSku[] | null | undefined = e.bag?.skus;
  const status: string | null | undefined = e.order.status;
  const lineItemId: number | null | undefined = e.sku?.id;
  if (e.bag !== undefined) {
    const id: number = e.bag.id;
    // @ts-expect-error a bag's line items may be null
    const sure: OrderSku[] = e.bag.skus;
    void [id, sure];
  }
  if (e.sku !== undefined) {
    const catalogSku: number = e.sku.sku_id;
    void catalogSku;
  }
  // @ts-expect-error an order's bags may be absent or null
  void e.order.bags.length;
  // @ts-expect-error an order event has no merchant
  void e.merchant;
  void [bags, type, orderId, bagId, skuId, lineItems, status, lineItemId];
});

violet.on('MERCHANT_CONNECTED', (e) => {
  const name: string | null | undefined = e.merchant.name;
  // @ts-expect-error a merchant event has no order
  void e.order;
  void name;
});

violet.on('TRANSFER_SENT', (e) => {
  const amount: number | null | undefined = e.transfer.amount;
  const related: string[] | null | undefined = e.transfer.related_orders;
  // @ts-expect-error a transfer event has no order
  void e.order;
  void [amount, related];
});

// A listener declared with the family type fits every type of that family.
const onOrder = (e: OrderEvent): void => void e.bag;
violet.on('ORDER_REFUNDED', onOrder).on('ORDER_CANCELLED', onOrder);

// @ts-expect-error a listener for merchant events does not fit an order event
violet.on('ORDER_SHIPPED', (e: MerchantEvent) => void e);

// @ts-expect-error a transfer listener does not fit a merchant event
violet.once('MERCHANT_CONNECTED', (e: TransferEvent) => void e);

// @ts-expect-error ORDER_SHIPED is not an event type
violet.on('ORDER_SHIPED', () => undefined);

violet.on('*', (e: VioletEvent) => {
  if (e.family === 'order') {
    const order: Order = e.order;
    void order;
  }
  if (e.family === 'unknown') {
    const payload: unknown = e.payload;
    void payload;
    // @ts-expect-error an unknown event has no family field
    void e.order;
  }
});

violet.on('error', (err: VioletWebhookError) => {
  const code: string = err.code;
  const status: number = err.status;
  void [code, status];
});

// @ts-expect-error the error listener gets a VioletWebhookError, not an event
violet.on('error', (e: OrderEvent) => void e);

const app = express();
app.post('/webhooks/violet', violet);
app.use('/webhooks/violet', violet);
app.post('/after', violet, (req, res) => {
  const event: VioletEvent | undefined = req.violet;
  const raw: Buffer | undefined = req.rawBody;
  res.json({ type: event?.type, raw: raw?.length });
});

// @ts-expect-error an unknown option is a compile error too
violetWebhooks({ secret: 's', secrets: [] });
