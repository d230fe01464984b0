import { decodeSignature, hmacDigest, matchDigest, type BodyBytes } from './hmac';

/**
 * Checks a signature against one or several secrets, in constant time per secret.
 * Returns the index of the secret that matches, or -1. Never throws: a malformed signature,
 * a missing body or a bad secret is simply "no match".
 *
 * @example
 * const index = verifySignature(rawBody, req.get('x-violet-hmac'), [current, previous]);
 * if (index === -1) return res.sendStatus(401);
 */
export function verifySignature(
  body: BodyBytes,
  signature: string | undefined | null,
  secrets: string | readonly string[],
): number {
  try {
    const expected = decodeSignature(signature);
    if (expected === undefined) return -1;
    if (typeof body !== 'string' && !(body instanceof Uint8Array)) return -1;
    const list: readonly unknown[] = typeof secrets === 'string' ? [secrets] : secrets;
    if (!Array.isArray(list)) return -1;
    const digests = list.map((secret) =>
      typeof secret === 'string' && secret.length > 0 ? hmacDigest(body, secret) : Buffer.alloc(0),
    );
    return matchDigest(expected, digests);
  } catch {
    return -1;
  }
}
