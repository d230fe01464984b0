import { VioletWebhookError } from '../errors';
import { decodeSignature, matchDigest } from '../signature/hmac';
import { headerValue, type HeaderMap } from './delivery';

/**
 * Step 4: the signature header against the digests computed while reading. Returns the index
 * of the secret that matched.
 */
export function verifyDeliverySignature(headers: HeaderMap, digests: readonly Buffer[]): number {
  const header =
    headerValue(headers, 'x-violet-hmac') ?? headerValue(headers, 'x-violet-hmac-sha256');
  if (header === undefined || header.trim() === '') {
    throw new VioletWebhookError(
      'MISSING_SIGNATURE',
      'the delivery has no x-violet-hmac header; Violet signs every webhook, so this did not come from Violet',
    );
  }
  const expected = decodeSignature(header);
  const index = expected === undefined ? -1 : matchDigest(expected, digests);
  if (index === -1) {
    throw new VioletWebhookError(
      'INVALID_SIGNATURE',
      expected === undefined
        ? 'the x-violet-hmac header is not a base64 HMAC-SHA256 signature'
        : 'the signature does not match the body under any configured secret; check that `secret` is ' +
            "this app's secret in Violet's dashboard and that nothing altered the body before this middleware",
    );
  }
  return index;
}
