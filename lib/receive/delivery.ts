/**
 * Request headers, as Node gives them: names lower-cased.
 *
 * @example
 * const headers: HeaderMap = req.headers;
 */
export type HeaderMap = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * A body that was read before the pipeline got it, so its exact bytes are gone; `fix` is the
 * message of the 500 `BODY_ALREADY_PARSED`: how to fix that, which each adapter knows.
 */
export class BodyAlreadyRead {
  constructor(readonly fix: string) {}
}

/**
 * The body as every adapter hands it over: bytes in memory, the promise of a body read whole, the
 * chunks of one still arriving (an adapter stops its stream when the iteration is left early), or
 * a body already read. How a runtime's stream is read is the adapter's business.
 */
export type AdapterBody =
  | Uint8Array
  | string
  | PromiseLike<Uint8Array | string>
  | AsyncIterable<Uint8Array | string>
  | BodyAlreadyRead;

/** One webhook delivery as the pipeline takes it, whatever the framework. */
export interface Delivery {
  /** HTTP method; `POST` when omitted. */
  readonly method?: string | undefined;
  readonly headers: HeaderMap;
  readonly body: AdapterBody;
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
