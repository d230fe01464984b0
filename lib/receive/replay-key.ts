import { createHash } from 'node:crypto';
import type { DeliveryHeaders } from './read-headers';

/**
 * A delivery's content key, for `replayGuard`: its type, the `x-violet-bag-id` and
 * `x-violet-sku-id` headers, and the signature that verified (the HMAC of the exact bytes, under
 * the secret that matched), stored as its SHA-256 so that no store holds a signature. The same
 * body sent again under a new event id has the same key; `ORDER_ACCEPTED` and `ORDER_UPDATED` of
 * one bag change, or one body for two bags, do not.
 */
export function replayKey(headers: DeliveryHeaders, digest: Buffer | undefined): string {
  if (digest === undefined) throw new Error('replayKey: no digest for the secret that matched');
  const type = headers.type ?? headers.rawType;
  const signature = createHash('sha256').update(digest).digest('base64url');
  return `${type}:${headers.bagId ?? '-'}:${headers.skuId ?? '-'}:${signature}`;
}
