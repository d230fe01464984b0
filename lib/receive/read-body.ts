import type { KeyObject } from 'node:crypto';
import type { Readable } from 'node:stream';
import { BodyStreamError, VioletWebhookError } from '../errors';
import { StreamingHmac } from '../signature/hmac';
import { BodyText } from './body-text';
import { headerValue, type BodySource, type HeaderMap } from './delivery';

/** The body as text, and the HMAC of its exact bytes under each secret. */
export interface ReadBody {
  readonly text: string;
  readonly digests: readonly Buffer[];
}

function tooLarge(limit: number): VioletWebhookError {
  return new VioletWebhookError(
    'PAYLOAD_TOO_LARGE',
    `the body is larger than the limit of ${limit} bytes; raise the \`limit\` option if Violet sends larger ones`,
    // The rest of the body is not read: closing the connection after the answer is what stops
    // the sender, where reading on to keep it alive would take in whatever it sends.
    { headers: { Connection: 'close' } },
  );
}

const EXPRESS_FIX =
  'the request body was already read by another middleware, so its exact bytes cannot be verified; ' +
  'mount the Violet middleware before express.json(), or keep the raw bytes with ' +
  'express.json({ verify: captureRawBody })';

/** The stream was consumed before the pipeline saw it: a parser ran first. */
export function bodyAlreadyRead(fix = EXPRESS_FIX): VioletWebhookError {
  return new VioletWebhookError('BODY_ALREADY_PARSED', fix);
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

/** A promise of any realm (a runtime's Request may come from another one than this code). */
function isPromiseLike(source: unknown): source is PromiseLike<Uint8Array> {
  return typeof (source as PromiseLike<unknown> | null)?.then === 'function';
}

/** The bytes of one body as they arrive: counted against the limit, hashed and decoded. */
class BodyIntake {
  private received = 0;
  private readonly hmac: StreamingHmac;
  private readonly text = new BodyText();

  constructor(
    private readonly limit: number,
    keys: readonly KeyObject[],
  ) {
    this.hmac = new StreamingHmac(keys);
  }

  /** Takes the next chunk; false, taking nothing, once the body is past the limit. */
  take(bytes: Buffer): boolean {
    this.received += bytes.length;
    if (this.received > this.limit) return false;
    this.hmac.update(bytes);
    this.text.add(bytes);
    return true;
  }

  end(): ReadBody {
    return { text: this.text.end(), digests: this.hmac.digests() };
  }
}

function readReadable(stream: Readable, intake: BodyIntake, limit: number): Promise<ReadBody> {
  return new Promise((resolve, reject) => {
    let settled = false;
    // Once the body has ended, the listeners stay: 'close' follows 'end' and finds the read
    // settled, and the 'error' listener keeps a later failure of the stream from crashing the
    // process (a stream left unread may fail too; Node's own requests excepted). Nothing is
    // removed from a request that ended well.
    const giveUp = (error: VioletWebhookError | BodyStreamError): void => {
      settled = true;
      stream.off('data', onData);
      reject(error);
    };
    const onData = (chunk: Buffer | string): void => {
      if (intake.take(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)) return;
      // Stop reading: a paused request stops its socket once Node's buffer fills, and the 413
      // goes out with `Connection: close`, which ends the connection after the answer.
      stream.pause();
      giveUp(tooLarge(limit));
    };
    const onEnd = (): void => {
      if (settled) return;
      settled = true;
      resolve(intake.end());
    };
    const onError = (error: Error): void => {
      if (!settled) giveUp(streamFailed(error));
    };
    // A request whose sender goes away closes before it ends. Every request closes, after its
    // answer too: the error (and its stack) is made only for one that has not ended.
    const onClose = (): void => {
      if (!settled) giveUp(streamFailed(new Error('the connection closed before the body ended')));
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
  });
}

async function readIterable(
  source: AsyncIterable<Uint8Array | string>,
  intake: BodyIntake,
  limit: number,
): Promise<ReadBody> {
  let tooLong = false;
  try {
    for await (const chunk of source) {
      // Leaving the loop calls the iterator's return(): its source stops being read.
      if (!intake.take(toBuffer(chunk))) {
        tooLong = true;
        break;
      }
    }
  } catch (error) {
    throw streamFailed(error);
  }
  if (tooLong) throw tooLarge(limit);
  return intake.end();
}

function streamFailed(cause: unknown): BodyStreamError {
  return new BodyStreamError(
    'the body could not be read to its end: the sender aborted or reset the connection, or the body stream failed; nothing was processed',
    cause,
  );
}

/** A body read whole by the adapter: its failure (an aborted upload) is the stream's. */
async function whole(bytes: PromiseLike<Uint8Array>): Promise<Uint8Array> {
  try {
    return await bytes;
  } catch (error) {
    throw streamFailed(error);
  }
}

function toBuffer(source: Buffer | Uint8Array | string): Buffer {
  if (Buffer.isBuffer(source)) return source;
  if (typeof source === 'string') return Buffer.from(source);
  return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
}

/**
 * Step 3: the body, hashed and decoded while it arrives, refused past `limit` (413). A declared
 * Content-Length over the limit is refused before a byte is read.
 */
export async function readBody(
  source: BodySource | Promise<Uint8Array>,
  headers: HeaderMap,
  limit: number,
  keys: readonly KeyObject[],
): Promise<ReadBody> {
  const length = headerValue(headers, 'content-length');
  if (length !== undefined && Number(length) > limit) throw tooLarge(limit);
  const intake = new BodyIntake(limit, keys);
  const body = isPromiseLike(source) ? await whole(source) : source;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    if (!intake.take(toBuffer(body))) throw tooLarge(limit);
    return intake.end();
  }
  if (isReadable(body)) {
    if (body.readableEnded) throw bodyAlreadyRead();
    return readReadable(body, intake, limit);
  }
  if (isAsyncIterable(body)) return readIterable(body, intake, limit);
  // A parsed object (or anything else) has lost the exact bytes the signature covers.
  throw bodyAlreadyRead();
}
