// What the Fetch adapter reads of a `Request` and of the handler's other arguments: the headers as
// Node's lower-case object, the body (read whole when its length is declared, else as a stream
// cancelled past `limit`) and a runtime's `waitUntil`.
import type { Delivery, HeaderMap } from '../receive/delivery';

/** The first argument after the request that has `waitUntil` (Workers' ctx, Vercel's, Netlify's). */
export function waitUntilOf(rest: readonly unknown[]): Delivery['waitUntil'] {
  for (const arg of rest) {
    const waitUntil = (arg as { waitUntil?: unknown } | null | undefined)?.waitUntil;
    if (typeof waitUntil === 'function') {
      return (work) => {
        try {
          waitUntil.call(arg, work);
        } catch {
          // The runtime refused to keep it: the work goes on all the same, and the answer stands.
        }
      };
    }
  }
  return undefined;
}

/**
 * A Web stream's chunks. Leaving early (the body is past `limit`) cancels the stream, so that the
 * runtime stops reading it.
 */
async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        ended = true;
        return;
      }
      yield value;
    }
  } finally {
    if (!ended) reader.cancel().catch(() => undefined);
  }
}

/**
 * The body, as the pipeline takes it. A body whose length is declared within `limit` is read
 * whole, without a Web stream, and handed over as the promise of its bytes: the server's HTTP
 * parser holds it to that length, and runtimes read a whole body straight from the socket (three
 * times the deliveries per second of reading a 4 KB order chunk by chunk on Node.js). Any other
 * body is read as a stream, cancelled past `limit`; one declared over `limit` is refused before a
 * byte is read.
 */
export function bodyOf(request: Request, headers: HeaderMap, limit: number): Delivery['body'] {
  const length = headers['content-length'];
  if (typeof length === 'string' && Number(length) <= limit) {
    const bytes = request.arrayBuffer().then((buffer) => new Uint8Array(buffer));
    // The pipeline may refuse the delivery (its method, its type) before it awaits the bytes.
    bytes.catch(() => undefined);
    return bytes;
  }
  return request.body === null ? '' : chunksOf(request.body);
}

/** What Bun's Headers have: every header as one plain object, made without a call per header. */
interface HeadersWithToJson {
  toJSON(): Record<string, string | string[]>;
}

export function headerMap(headers: Headers): HeaderMap {
  if (typeof (headers as Partial<HeadersWithToJson>).toJSON === 'function') {
    return (headers as unknown as HeadersWithToJson).toJSON();
  }
  const map: Record<string, string> = {};
  // Fetch's Headers are lower-case already.
  headers.forEach((value, name) => {
    map[name] = value;
  });
  return map;
}
