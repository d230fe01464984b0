import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { VioletWebhookError } from '../errors';
import { StreamingHmac } from '../signature/hmac';
import { headerValue, type BodySource, type HeaderMap } from './delivery';

/** The exact bytes received and their HMAC under each secret. */
export interface RawBody {
  readonly bytes: Buffer;
  readonly digests: readonly Buffer[];
}

function tooLarge(limit: number): VioletWebhookError {
  return new VioletWebhookError(
    'PAYLOAD_TOO_LARGE',
    `the body is larger than the limit of ${limit} bytes; raise the \`limit\` option if Violet sends larger ones`,
  );
}

/** The stream was consumed before the pipeline saw it: a parser ran first. */
export function bodyAlreadyRead(): VioletWebhookError {
  return new VioletWebhookError(
    'BODY_ALREADY_PARSED',
    'the request body was already read by another middleware, so its exact bytes cannot be verified; ' +
      'mount the Violet middleware before express.json(), or keep the raw bytes with ' +
      'express.json({ verify: captureRawBody })',
  );
}

/** Thrown when the sender went away mid-body: there is nobody left to answer. */
export class BodyStreamError extends Error {
  override readonly name = 'BodyStreamError';
}

function isReadable(source: unknown): source is Readable {
  return (
    source !== null &&
    typeof source === 'object' &&
    typeof (source as Readable).on === 'function' &&
    typeof (source as Readable).pause === 'function'
  );
}

function isAsyncIterable(source: unknown): source is AsyncIterable<Uint8Array | string> {
  return (
    source !== null &&
    typeof source === 'object' &&
    typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function'
  );
}

function readReadable(
  stream: Readable,
  limit: number,
  declared: number | undefined,
  hmac: StreamingHmac,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // With a declared length, bytes are copied into one buffer as they arrive (no concat at
    // the end); a body that turns out longer or shorter falls back to a list of chunks.
    let whole = declared !== undefined && declared > 0 ? Buffer.allocUnsafe(declared) : undefined;
    const chunks: Buffer[] = [];
    let received = 0;
    const cleanup = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      stream.off('close', onClose);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (received + bytes.length > limit) {
        cleanup();
        // Discard the rest instead of destroying the socket, so the sender still gets the 413.
        stream.resume();
        reject(tooLarge(limit));
        return;
      }
      hmac.update(bytes);
      if (whole !== undefined && received + bytes.length <= whole.length) {
        bytes.copy(whole, received);
      } else {
        if (whole !== undefined) chunks.push(whole.subarray(0, received));
        whole = undefined;
        chunks.push(bytes);
      }
      received += bytes.length;
    };
    const onEnd = (): void => {
      cleanup();
      if (whole !== undefined) resolve(whole.subarray(0, received));
      else resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, received));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(new BodyStreamError('the request body could not be read', { cause: error }));
    };
    // A request whose sender goes away closes before it ends.
    const onClose = (): void => onError(new Error('request aborted'));
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

async function readIterable(
  source: AsyncIterable<Uint8Array | string>,
  limit: number,
  hmac: StreamingHmac,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let received = 0;
  for await (const chunk of source) {
    const bytes =
      typeof chunk === 'string'
        ? Buffer.from(chunk)
        : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    received += bytes.length;
    if (received > limit) throw tooLarge(limit);
    hmac.update(bytes);
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, received);
}

function toBuffer(source: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(source)) return source;
  if (typeof source === 'string') return Buffer.from(source);
  return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
}

/**
 * Step 3: the raw bytes, hashed while they arrive, refused past `limit` (413). A declared
 * Content-Length over the limit is refused before a byte is read.
 */
export async function readBody(
  source: BodySource,
  headers: HeaderMap,
  limit: number,
  keys: readonly KeyObject[],
): Promise<RawBody> {
  const length = headerValue(headers, 'content-length');
  const declared = length === undefined ? undefined : Number(length);
  if (declared !== undefined && declared > limit) throw tooLarge(limit);
  const hmac = new StreamingHmac(keys);
  let bytes: Buffer;
  if (typeof source === 'string' || source instanceof Uint8Array) {
    bytes = toBuffer(source);
    if (bytes.length > limit) throw tooLarge(limit);
    hmac.update(bytes);
  } else if (isReadable(source)) {
    if (source.readableEnded) throw bodyAlreadyRead();
    bytes = await readReadable(
      source,
      limit,
      Number.isSafeInteger(declared) ? declared : undefined,
      hmac,
    );
  } else if (isAsyncIterable(source)) {
    bytes = await readIterable(source, limit, hmac);
  } else {
    // A parsed object (or anything else) has lost the exact bytes the signature covers.
    throw bodyAlreadyRead();
  }
  return { bytes, digests: hmac.digests() };
}
