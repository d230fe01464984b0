// The Fetch adapter: `(request: Request, ...rest) => Promise<Response>` over the same pipeline as
// the Express middleware, for Next.js route handlers, Hono, Bun, Deno (Supabase Edge Functions)
// and Cloudflare Workers. What differs between runtimes is decided here, never in a step: the
// body is a Web ReadableStream read (and cancelled past `limit`) by this adapter, and work after
// the answer goes to a `waitUntil` found among the handler's other arguments.
import type { Delivery, HeaderMap } from '../receive/delivery';
import type { ReceiveResult } from '../receive/result';

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
 * A body whose length is declared, read whole: the server's HTTP parser holds it to that length,
 * and the pipeline refuses a declared length over `limit` before reading. Runtimes read a whole
 * body without a Web stream (a `node:http` adapter straight from the socket): three times the
 * deliveries per second of reading it chunk by chunk, for a 4 KB order on Node.js.
 */
async function* wholeBody(request: Request): AsyncGenerator<Uint8Array> {
  yield new Uint8Array(await request.arrayBuffer());
}

function bodyOf(request: Request): Delivery['body'] {
  if (request.bodyUsed) return '';
  // Before `request.body`: some adapters make the Web stream only when it is asked for.
  if (request.headers.has('content-length')) return wholeBody(request);
  return request.body === null ? '' : chunksOf(request.body);
}

function headerMap(headers: Headers): HeaderMap {
  const map: Record<string, string> = {};
  // Fetch's Headers are lower-case already.
  headers.forEach((value, name) => {
    map[name] = value;
  });
  return map;
}

function toResponse(result: ReceiveResult): Response {
  const headers: Record<string, string> = { 'content-type': JSON_TYPE };
  if (result.headers !== undefined) {
    for (const [name, value] of Object.entries(result.headers)) headers[name.toLowerCase()] = value;
  }
  return new Response(JSON.stringify(result.body), { status: result.status, headers });
}

/** Makes `violet.fetch` for a pipeline. */
export function createFetchHandler(runner: FetchRunner): FetchHandler {
  return async (request, ...rest) => {
    const delivery: Delivery = {
      method: request.method,
      headers: headerMap(request.headers),
      body: bodyOf(request),
      bodyUsed: request.bodyUsed ? ALREADY_READ : undefined,
      waitUntil: waitUntilOf(rest),
    };
    return toResponse(await runner.run(delivery));
  };
}
