// The adapter for node:http and any other framework: `violet.receive({ method, headers, body })`
// over the same pipeline as the Express middleware and the Fetch handler. What it decides: headers
// of any case (or a Fetch `Headers`) become Node's lower-case ones; the body is given as it is
// (a stream such as Node's request, read here, bytes, a string, an async iterable); the answer is
// returned, for the caller to write (`writeResult` on a Node response).
import type { Readable } from 'node:stream';
import { READ_BY_MIDDLEWARE } from './read-by-middleware';
import type { Delivery, AdapterBody, HeaderMap } from '../receive/delivery';
import type { ReceiveResult } from '../receive/result';
import { streamChunks } from './stream-chunks';

/**
 * The bytes of a delivery: already in memory, or a stream still to read.
 *
 * @example
 * violet.receive({ headers, body: req }); // or a Buffer, a string, any async iterable
 */
export type BodySource =
  Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array | string>;

/**
 * A delivery given to `violet.receive()`, from any framework.
 *
 * @example
 * await violet.receive({ method: req.method, headers: req.headers, body: req });
 */
export interface ReceiveInput {
  /** Request headers: a plain object (any case) or a Fetch `Headers`. */
  headers: HeaderMap | FetchHeaders;
  /** The exact body bytes, or a stream of them. */
  body: BodySource;
  /** HTTP method; `POST` when omitted. */
  method?: string | undefined;
}

interface FetchHeaders {
  forEach(callback: (value: string, name: string) => void): void;
  get(name: string): string | null;
}

/** What runs a delivery: the pipeline, as the factory holds it. */
export interface ReceiveRunner {
  run(delivery: Delivery): Promise<ReceiveResult>;
}

function isFetchHeaders(headers: ReceiveInput['headers']): headers is FetchHeaders {
  const h = headers as Partial<FetchHeaders>;
  return typeof h.forEach === 'function' && typeof h.get === 'function';
}

/** Node's lower-case header object, from a Fetch `Headers` or an object with names in any case. */
function lowerCaseHeaders(headers: ReceiveInput['headers']): HeaderMap {
  const lower: Record<string, string | readonly string[] | undefined> = {};
  if (isFetchHeaders(headers)) {
    headers.forEach((value, name) => {
      lower[name.toLowerCase()] = value;
    });
  } else {
    for (const [name, value] of Object.entries(headers)) lower[name.toLowerCase()] = value;
  }
  return lower;
}

function isReadable(source: object): source is Readable {
  return (
    typeof (source as Partial<Readable>).on === 'function' &&
    typeof (source as Partial<Readable>).pause === 'function'
  );
}

/** The body as the pipeline takes it; anything that is not bytes has lost them. */
function deliveryBody(body: unknown): AdapterBody {
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  if (body === null || typeof body !== 'object') return READ_BY_MIDDLEWARE;
  // A Node stream is an async iterable too, but its events are the cheaper read.
  if (isReadable(body)) return body.readableEnded ? READ_BY_MIDDLEWARE : streamChunks(body);
  if (typeof (body as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function') {
    return body as AsyncIterable<Uint8Array | string>;
  }
  // The promise of the bytes is read by the pipeline (a body read whole, as the Fetch adapter's).
  if (typeof (body as Partial<PromiseLike<unknown>>).then === 'function') {
    return body as PromiseLike<Uint8Array>;
  }
  return READ_BY_MIDDLEWARE;
}

/** Makes `violet.receive` over a pipeline. */
export function createReceive(
  runner: ReceiveRunner,
): (input: ReceiveInput) => Promise<ReceiveResult> {
  return (input) =>
    runner.run({
      method: input.method,
      // Node's own request headers are lower-case already: no copy for `body: req`.
      headers:
        input.headers === (input.body as { headers?: unknown } | null)?.headers
          ? (input.headers as HeaderMap)
          : lowerCaseHeaders(input.headers),
      body: deliveryBody(input.body),
    });
}
