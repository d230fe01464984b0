// What the benchmarks share: the receivers compared, the body sizes, and signed order bodies of a
// given size (the sample order, its bags repeated until the body reaches the size asked for).
import { createHmac } from 'node:crypto';
import { underTest } from './under-test.mjs';

const { samplePayload } = underTest('testing');

/** An order body of `bytes` bytes or a little more: one-line-item bags repeated to the size. */
export function orderOfSize(bytes) {
  const order = samplePayload('ORDER_SHIPPED');
  const [bag] = order.bags;
  bag.skus = bag.skus.slice(0, 1);
  delete order.billing_address;
  const bags = [];
  let size = JSON.stringify(order).length;
  let id = 20000;
  order.bags = [];
  while (bags.length === 0 || size < bytes) {
    const copy = structuredClone(bag);
    copy.id = id++;
    copy.skus = copy.skus.map((sku) => ({ ...sku, id: id++, bag_id: copy.id }));
    bags.push(copy);
    size = JSON.stringify({ ...order, bags }).length;
  }
  order.bags = bags;
  return Buffer.from(JSON.stringify(order));
}

export const violetSignature = (body, secret) =>
  createHmac('sha256', secret).update(body).digest('base64');
export const githubSignature = (body, secret) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/** The headers a receiver of `kind` needs for `body`, without the per-delivery id. */
export function headersFor(kind, body, secret) {
  const common = { 'content-type': 'application/json' };
  if (kind.startsWith('octokit')) {
    return {
      ...common,
      'x-github-event': 'push',
      'x-hub-signature-256': githubSignature(body, secret),
    };
  }
  return {
    ...common,
    'x-violet-hmac': violetSignature(body, secret),
    'x-violet-topic': 'ORDER_SHIPPED',
    'x-violet-order-id': '12345',
    'x-violet-bag-id': '20000',
    'x-violet-sku-id': '33331',
  };
}

/** The header that carries each delivery's own id. */
export const idHeaderFor = (kind) =>
  kind.startsWith('octokit') ? 'x-github-delivery' : 'x-violet-event-id';

/** The receivers compared (bench/server.mjs starts each by its `kind`). */
export const RECEIVERS = [
  { kind: 'floor', label: 'the floor: node:http, HMAC, parse' },
  { kind: 'express-json', label: 'express.json() bare route' },
  { kind: 'violet', label: 'express-violet-webhooks' },
  { kind: 'violet-use', label: 'express-violet-webhooks, app.use()' },
  { kind: 'violet-sdk', label: 'express-violet-webhooks, SDK set up, telemetry off' },
  { kind: 'violet-otel', label: 'express-violet-webhooks, SDK set up, telemetry on' },
  { kind: 'octokit', label: '@octokit/webhooks middleware' },
  { kind: 'receive', label: 'receive() on node:http' },
  { kind: 'octokit-http', label: '@octokit/webhooks on node:http' },
];

/** Receivers named by a comma-separated `--only` option, or all. */
export const receiversFrom = (only) =>
  only ? RECEIVERS.filter((r) => only.split(',').includes(r.kind)) : RECEIVERS;
