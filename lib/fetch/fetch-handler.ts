// The Fetch adapter: `(request: Request, ...rest) => Promise<Response>` over the same pipeline as
// the Express middleware, for Next.js route handlers, Hono, Bun, Deno (Supabase Edge Functions)
// and Cloudflare Workers. What differs between runtimes is decided here, never in a step: the
// body is a Web ReadableStream read (and cancelled past `limit`) by this adapter, and work after
// the answer goes to a `waitUntil` found among the handler's other arguments.
import type { Delivery, HeaderMap } from '../receive/delivery';
import { DUPLICATE, RECEIVED, type ReceiveResult } from '../receive/result';

/** What runs a delivery: the pipeline, as the factory holds it. */
export interface FetchRunner {
  run(delivery: Delivery): Promise<ReceiveResult>;
}

/**
 * `violet.fetch`: a Fetch API handler.
 *
 * @example
 * export const POST = violet.fetch; // Next.js App Router
 * export default { fetch: violet.fetch }; // Cloudflare Workers
 */
export type FetchHandler = (request: Request, ...rest: unknown[]) => Promise<Response>;

const ALREADY_READ =
  'the request body was already read (request.json(), request.text() or a framework parser), so ' +
  'its exact bytes cannot be verified; pass the request to violet.fetch before reading it, or ' +
  'pass a copy made before: violet.fetch(request.clone())';

const JSON_TYPE = 'application/json; charset=utf-8';

/** The first argument after the request that has `waitUntil` (Workers' ctx, Vercel's, Netlify's). */
function waitUntilOf(rest: readonly unknown[]): Delivery['waitUntil'] {
  for (const arg of rest) {
    const waitUntil = (arg as { waitUntil?: unknown } | null | undefined)?.waitUntil;
    if (typeof waitUntil === 'function') {
      return (work) => void waitUntil.call(arg, work);
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
function bodyOf(request: Request, headers: HeaderMap, limit: number): Delivery['body'] {
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

function headerMap(headers: Headers): HeaderMap {
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

const RECEIVED_TEXT = JSON.stringify(RECEIVED);
const DUPLICATE_TEXT = JSON.stringify(DUPLICATE);

function bodyText(body: ReceiveResult['body']): string {
  if (body === RECEIVED) return RECEIVED_TEXT;
  return body === DUPLICATE ? DUPLICATE_TEXT : JSON.stringify(body);
}

function toResponse(result: ReceiveResult): Response {
  const headers: Record<string, string> = { 'content-type': JSON_TYPE };
  if (result.headers !== undefined) {
    for (const [name, value] of Object.entries(result.headers)) headers[name.toLowerCase()] = value;
  }
  return new Response(bodyText(result.body), { status: result.status, headers });
}

/** Makes `violet.fetch` for a pipeline that takes bodies of at most `limit` bytes. */
export function createFetchHandler(runner: FetchRunner, limit: number): FetchHandler {
  return async (request, ...rest) => {
    const headers = headerMap(request.headers);
    const used = request.bodyUsed;
    const delivery: Delivery = {
      method: request.method,
      headers,
      body: used ? '' : bodyOf(request, headers, limit),
      bodyUsed: used ? ALREADY_READ : undefined,
      waitUntil: waitUntilOf(rest),
    };
    return toResponse(await runner.run(delivery));
  };
}
