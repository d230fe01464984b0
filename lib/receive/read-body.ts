import type { KeyObject } from 'node:crypto';
import { BodyStreamError, VioletWebhookError } from '../errors';
import { StreamingHmac } from '../signature/hmac';
import { BodyText } from './body-text';
import { BodyAlreadyRead, headerValue, type AdapterBody, type HeaderMap } from './delivery';

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

function streamFailed(cause: unknown): BodyStreamError {
  return new BodyStreamError(
    'the body could not be read to its end: the sender aborted or reset the connection, or the body stream failed; nothing was processed',
    cause,
  );
}

/** A promise of any realm (a runtime's Request may come from another one than this code). */
function isPromiseLike(source: AdapterBody): source is PromiseLike<Uint8Array | string> {
  return typeof (source as Partial<PromiseLike<unknown>>).then === 'function';
}

function toBuffer(source: Uint8Array | string): Buffer {
  if (Buffer.isBuffer(source)) return source;
  if (typeof source === 'string') return Buffer.from(source);
  return Buffer.from(source.buffer, source.byteOffset, source.byteLength);
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

/** A body read whole by the adapter: its failure (an aborted upload) is the stream's. */
async function whole(bytes: PromiseLike<Uint8Array | string>): Promise<Buffer> {
  try {
    return toBuffer(await bytes);
  } catch (error) {
    throw streamFailed(error);
  }
}

async function readChunks(
  source: AsyncIterable<Uint8Array | string>,
  intake: BodyIntake,
  limit: number,
): Promise<ReadBody> {
  let tooLong = false;
  try {
    for await (const chunk of source) {
      // Leaving the loop calls the iterator's return(): the adapter stops reading its stream.
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

/**
 * Step 3: the body, hashed and decoded while it arrives, refused past `limit` (413). A body the
 * adapter found already read is refused with its fix (500); a declared Content-Length over the
 * limit is refused before a byte is read.
 */
export async function readBody(
  source: AdapterBody,
  headers: HeaderMap,
  limit: number,
  keys: readonly KeyObject[],
): Promise<ReadBody> {
  if (source instanceof BodyAlreadyRead) {
    throw new VioletWebhookError('BODY_ALREADY_PARSED', source.fix);
  }
  const length = headerValue(headers, 'content-length');
  if (length !== undefined && Number(length) > limit) throw tooLarge(limit);
  const intake = new BodyIntake(limit, keys);
  if (typeof source === 'string' || source instanceof Uint8Array) {
    if (!intake.take(toBuffer(source))) throw tooLarge(limit);
    return intake.end();
  }
  if (isPromiseLike(source)) {
    if (!intake.take(await whole(source))) throw tooLarge(limit);
    return intake.end();
  }
  return readChunks(source, intake, limit);
}
