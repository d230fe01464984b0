// What the example app does with each event, written once for both modes: the middleware's
// listeners (in-process) and the worker's (queued). A real app writes to its database here.
import type {
  OrderEvent,
  VioletEvent,
  VioletEventOf,
  VioletListenerName,
  VioletListeners,
  VioletWebhookError,
} from 'express-violet-webhooks';

/** What the listeners did, so the demo can show it. */
export type Log = (line: string) => void;

export function listeners(log: Log) {
  return {
    shipped: async (event: OrderEvent<'ORDER_SHIPPED'>) => {
      // `bag` is the bag that shipped, resolved from x-violet-bag-id; `fulfillments` has tracking.
      const tracking = event.bag?.fulfillments?.map((f) => f.tracking_number).join(', ') || 'none';
      log(
        `order ${event.orderId}: bag ${event.bagId} from ${event.bag?.merchant_name} shipped, tracking ${tracking}`,
      );
    },
    refunded: (event: OrderEvent<'ORDER_REFUNDED'>) => {
      // `sku` is the line item named by x-violet-sku-id, when the refund concerns one item.
      const what = event.sku ? `${event.sku.quantity} x ${event.sku.name}` : 'the whole bag';
      log(`order ${event.orderId}: refunded ${what} in bag ${event.bagId}`);
    },
    cancelled: (event: OrderEvent<'ORDER_CANCELLED'>) => {
      log(`order ${event.orderId}: bag ${event.bagId} cancelled (sent as ${event.rawType})`);
    },
    merchantConnected: (event: VioletEventOf<'MERCHANT_CONNECTED'>) => {
      log(
        `merchant ${event.merchant.id} (${event.merchant.name}) connected from ${event.merchant.platform}`,
      );
    },
    paymentCaptured: (event: VioletEventOf<'PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED'>) => {
      const { order_id: orderId, amount, currency } = event.transaction;
      log(`order ${orderId}: payment of ${((amount ?? 0) / 100).toFixed(2)} ${currency} captured`);
    },
    transferSent: (event: VioletEventOf<'TRANSFER_SENT'>) => {
      const { amount, currency, related_orders: orders } = event.transfer;
      log(
        `transfer ${event.transfer.id}: ${((amount ?? 0) / 100).toFixed(2)} ${currency} for orders ${orders?.join(', ')}`,
      );
    },
    audit: (event: VioletEvent) => {
      log(`  (audit) ${event.type === 'unknown' ? event.rawType : event.type} event ${event.id}`);
    },
    error: (err: VioletWebhookError) => {
      // Rejected deliveries and failed listeners. Messages hold no secret and no body.
      log(`  (rejected) ${err.status} ${err.code}: ${err.message}`);
    },
  };
}

/** The middleware, or a queue's worker: both take these listeners. */
export interface ListenerTarget {
  on<K extends VioletListenerName>(name: K, listener: VioletListeners[K]): unknown;
}

/** Adds the example's listeners to the middleware (in-process mode) or to the worker (queued). */
export function addListeners(target: ListenerTarget, log: Log): void {
  const on = listeners(log);
  target.on('ORDER_SHIPPED', on.shipped);
  target.on('ORDER_REFUNDED', on.refunded);
  target.on('ORDER_CANCELLED', on.cancelled);
  target.on('MERCHANT_CONNECTED', on.merchantConnected);
  target.on('PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED', on.paymentCaptured);
  target.on('TRANSFER_SENT', on.transferSent);
  target.on('*', on.audit);
  target.on('error', on.error);
}
