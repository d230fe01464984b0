import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** Standard base64, padded, of exactly 32 bytes: 43 characters and one `=`. */
const SIGNATURE_SHAPE = /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/;

/** A message as the package accepts it: bytes, or a string taken as UTF-8. */
export type BodyBytes = string | Uint8Array;

/** HMAC-SHA256 of `body` keyed with `secret` (UTF-8). */
export function hmacDigest(body: BodyBytes, secret: string): Buffer {
  return createHmac('sha256', secret).update(body).digest();
}

/**
 * Decodes a signature header value to its 32 bytes, or returns undefined when it is not the
 * canonical base64 of 32 bytes. Never throws.
 */
export function decodeSignature(signature: unknown): Buffer | undefined {
  if (typeof signature !== 'string') return undefined;
  const trimmed = signature.trim();
  if (!SIGNATURE_SHAPE.test(trimmed)) return undefined;
  return Buffer.from(trimmed, 'base64');
}

/** Index of the first digest equal to `expected` (constant time per comparison), or -1. */
export function matchDigest(expected: Buffer, digests: readonly Buffer[]): number {
  for (let i = 0; i < digests.length; i++) {
    const digest = digests[i];
    if (
      digest !== undefined &&
      digest.length === expected.length &&
      timingSafeEqual(digest, expected)
    ) {
      return i;
    }
  }
  return -1;
}

/** A secret prepared once as a key, so that each HMAC skips converting the string. */
export function secretKey(secret: string): KeyObject {
  return createSecretKey(Buffer.from(secret, 'utf8'));
}

/**
 * HMACs of a body for several secrets at once, fed chunk by chunk while the body streams in,
 * so that verifying costs no second pass over the bytes.
 */
export class StreamingHmac {
  private readonly hmacs;

  constructor(keys: readonly KeyObject[]) {
    this.hmacs = keys.map((key) => createHmac('sha256', key));
  }

  update(chunk: BodyBytes): void {
    for (const hmac of this.hmacs) hmac.update(chunk);
  }

  digests(): Buffer[] {
    return this.hmacs.map((hmac) => hmac.digest());
  }
}
