// Narrowing on `type`, as a strict TypeScript consumer writes it. Compiled by `tsc --noEmit` in
// `npm test` against the sources, and by the packed-package test against the published types
// (moduleResolution node16 and bundler). Never run: each @ts-expect-error line must fail to
// compile, or the type check itself fails.
import express from 'express';
import {
  violetWebhooks,
  type ReceiveResult,
  type VioletEvent,
  type Bag,
  type Merchant,
  type Order,
} from 'express-violet-webhooks';

const violet = violetWebhooks({ secret: 'narrowing' });
const app = express();

app.post('/webhooks/violet', violet, (req, res) => {
  if (req.violet?.type === 'ORDER_SHIPPED') {
    const bag: Bag | undefined = req.violet.bag;
    const order: Order = req.violet.order;
    const type: 'ORDER_SHIPPED' = req.violet.type;
    void [bag, order, type];
  }
  // @ts-expect-error without narrowing, an event may have no bag
  void req.violet?.bag;
  if (req.violet?.type === 'MERCHANT_CONNECTED') {
    const merchant: Merchant = req.violet.merchant;
    // @ts-expect-error a merchant event has no order
    void req.violet.order;
    void merchant;
  }
  // @ts-expect-error ORDER_SHIPED is no event type: the comparison can never hold
  if (req.violet?.type === 'ORDER_SHIPED') res.end();
  res.json({ received: true });
});

function onEvery(event: VioletEvent): number | undefined {
  switch (event.type) {
    case 'ORDER_REFUNDED':
      return event.sku?.quantity ?? event.bag?.id;
    case 'TRANSFER_SENT':
      return event.transfer.amount ?? undefined;
    case 'PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED':
      // @ts-expect-error a payment transaction event has no transfer
      return event.transfer.amount;
    case 'unknown': {
      // An event of a type this package does not know: its name is in rawType.
      const name: string = event.rawType;
      const payload: unknown = event.payload;
      // @ts-expect-error an unknown event has no family field
      void event.order;
      void [name, payload];
      return undefined;
    }
    default:
      return undefined;
  }
}
violet.on('*', onEvery);
violet.on('*', (event) => {
  if (event.type === 'ORDER_CANCELLED') {
    const bag: Bag | undefined = event.bag;
    void bag;
  }
  if (event.family === 'order') {
    const orderId: number = event.orderId;
    void orderId;
  }
  // @ts-expect-error not narrowed: a '*' listener's event may be of any family
  void event.orderId;
});

async function viaReceive(body: Buffer, headers: Record<string, string>): Promise<void> {
  const result: ReceiveResult = await violet.receive({ headers, body });
  if (result.event?.type === 'ORDER_SHIPPED') {
    const bag: Bag | undefined = result.event.bag;
    void bag;
  }
  // @ts-expect-error not narrowed
  void result.event?.bag;
  // @ts-expect-error the unknown event's type is 'unknown', never a name Violet sent
  if (result.event?.type === 'ORDER_TELEPORTED') return;
}
void viaReceive;
