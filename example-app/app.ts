// The example app: an Express server that receives Violet webhooks.
// Copy this file as a start; `npm run demo` runs it against signed sample deliveries.
import http from 'node:http';
import express, { type Express } from 'express';
import { violetWebhooks, type VioletEvent } from 'express-violet-webhooks';

/** What the listeners did, so the demo can show it. A real app writes to its database here. */
export type Log = (line: string) => void;

export function createApp(secret: string, log: Log) {
  const violet = violetWebhooks({ secret });

  violet.on('ORDER_SHIPPED', async (event) => {
    // `bag` is the bag that shipped, resolved from x-violet-bag-id; `fulfillments` has tracking.
    const tracking = event.bag?.fulfillments?.map((f) => f.tracking_number).join(', ') || 'none';
    log(
      `order ${event.orderId}: bag ${event.bagId} from ${event.bag?.merchant_name} shipped, tracking ${tracking}`,
    );
  });

  violet.on('ORDER_REFUNDED', (event) => {
    // `sku` is the line item named by x-violet-sku-id, when the refund concerns one item.
    const what = event.sku ? `${event.sku.quantity} x ${event.sku.name}` : 'the whole bag';
    log(`order ${event.orderId}: refunded ${what} in bag ${event.bagId}`);
  });

  violet.on('ORDER_CANCELLED', (event) => {
    log(`order ${event.orderId}: bag ${event.bagId} cancelled (sent as ${event.rawType})`);
  });

  violet.on('MERCHANT_CONNECTED', (event) => {
    log(
      `merchant ${event.merchant.id} (${event.merchant.name}) connected from ${event.merchant.platform}`,
    );
  });

  violet.on('TRANSFER_SENT', (event) => {
    const { amount, currency, related_orders: orders } = event.transfer;
    log(
      `transfer ${event.transfer.id}: ${(amount / 100).toFixed(2)} ${currency} for orders ${orders?.join(', ')}`,
    );
  });

  violet.on('PAYMENT_TRANSACTION_CAPTURE_STATUS_CAPTURED', (event) => {
    const { order_id: orderId, amount, currency } = event.transaction;
    log(`order ${orderId}: payment of ${((amount ?? 0) / 100).toFixed(2)} ${currency} captured`);
  });

  violet.on('*', (event: VioletEvent) => {
    log(`  (audit) ${event.type} event ${event.id}`);
  });

  violet.on('error', (err) => {
    // Rejected deliveries and failed listeners. Messages hold no secret and no body.
    log(`  (rejected) ${err.status} ${err.code}: ${err.message}`);
  });

  const app = express();
  app.post('/webhooks/violet', violet);
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  return { app, violet };
}

/** How long a sender may take, in ms. Violet sends a whole delivery at once and waits 10 s. */
export interface SenderTimeouts {
  /** Until the request's headers are in. */
  headersMs: number;
  /** Until the whole request, body included, is in. */
  requestMs: number;
}

/**
 * Starts an HTTP server for the app with bounds on slow senders: one that trickles its headers or
 * body is answered 408 and disconnected, rather than holding a connection and its memory for
 * Node's default of five minutes.
 */
export function listen(
  app: Express,
  port: number,
  host?: string,
  timeouts: SenderTimeouts = { headersMs: 10_000, requestMs: 15_000 },
): http.Server {
  const server = http.createServer(
    {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // How often Node looks for requests past those deadlines (30 s by default).
      connectionsCheckingInterval: Math.min(1_000, timeouts.headersMs),
    },
    app,
  );
  return host === undefined ? server.listen(port) : server.listen(port, host);
}
