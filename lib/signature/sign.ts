import { hmacDigest, type BodyBytes } from './hmac';

/**
 * Signs a body as Violet does: base64 (standard, padded) of HMAC-SHA256 over the exact bytes,
 * keyed with the app secret. Strings are taken as UTF-8.
 *
 * @example
 * const body = JSON.stringify(order);
 * await fetch(url, { method: 'POST', body, headers: { 'x-violet-hmac': sign(body, secret) } });
 */
export function sign(body: BodyBytes, secret: string): string {
  if (typeof secret !== 'string' || secret.length === 0) {
    throw new TypeError(
      'express-violet-webhooks: sign(body, secret) needs a non-empty secret string',
    );
  }
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) {
    throw new TypeError(
      'express-violet-webhooks: sign(body, secret) needs the body as a string or bytes',
    );
  }
  return hmacDigest(body, secret).toString('base64');
}
