import type { Readable } from 'node:stream';

/**
 * Request headers, as Node gives them: names lower-cased.
 *
 * @example
 * const headers: HeaderMap = req.headers;
 */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The bytes of a delivery: already in memory, or a stream still to read.
 *
 * @example
 * violet.receive({ headers, body: req }); // or a Buffer, a string, any async iterable
 */
export type BodySource =
  Buffer | Uint8Array | string | Readable | AsyncIterable<Uint8Array | string>;

/** One webhook delivery as the pipeline takes it, whatever the framework. */
export interface Delivery {
  /** HTTP method; `POST` when omitted. */
  readonly method?: string | undefined;
  readonly headers: HeaderMap;
  /** The bytes, or (from the Fetch adapter) the promise of a body read whole. */
  readonly body: BodySource | Promise<Uint8Array>;
  /**
   * Set when the body was read before the pipeline got it: how to fix that, for the message of
   * the 500 `BODY_ALREADY_PARSED` (each adapter knows what read it).
   */
  readonly bodyUsed?: string | undefined;
  /**
   * Keeps work that goes on after the answer alive where the runtime would freeze it (a
   * Worker's `ctx.waitUntil`): listeners with `ack: 'immediate'`, a claim completed later.
   */
  readonly waitUntil?: ((work: Promise<unknown>) => void) | undefined;
}

/** The first value of a header, or undefined. */
export function headerValue(headers: HeaderMap, name: string): string | undefined {
  const value = headers[name];
  if (typeof value === 'string') return value;
  return value === undefined ? undefined : value[0];
}
