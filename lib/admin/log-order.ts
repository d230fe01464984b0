import type { WebhookDelivery } from './types';

/** A record id as a number to compare: Violet's ids are decimal and grow. */
function idOrder(a: WebhookDelivery['id'], b: WebhookDelivery['id']): number {
  const x = String(a);
  const y = String(b);
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
    // Longer is larger once leading zeros are gone; then digit by digit, exactly at any size.
    const p = x.replace(/^0+(?=\d)/, '');
    const q = y.replace(/^0+(?=\d)/, '');
    return p.length - q.length || (p < q ? -1 : p > q ? 1 : 0);
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Orders delivery records oldest first. Violet's dates are to the second, so the records of a
 * burst share one: they are ordered by `date_created`, then by record id (violet-api.md).
 *
 * @example
 * const oldestFirst = [...log].sort(compareRecords);
 */
export function compareRecords(a: WebhookDelivery, b: WebhookDelivery): number {
  const at = Date.parse(a.date_created);
  const bt = Date.parse(b.date_created);
  if (at !== bt && !Number.isNaN(at) && !Number.isNaN(bt)) return at - bt;
  return idOrder(a.id, b.id);
}
