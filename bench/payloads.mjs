// Signed order bodies of a given size, for the benchmarks: the sample order, its bags repeated
// until the body reaches the size asked for.
import { createHmac } from 'node:crypto';
import { samplePayload } from 'express-violet-webhooks/testing';

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
