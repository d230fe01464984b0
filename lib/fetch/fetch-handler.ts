// The Fetch adapter: `(request: Request, ...rest) => Promise<Response>` over the same pipeline as
// the Express middleware, for Next.js route handlers, Hono, Bun, Deno (Supabase Edge Functions)
// and Cloudflare Workers. What differs between runtimes is decided here, never in a step: the
// body is a Web ReadableStream read (and cancelled past `limit`) by this adapter, and work after
// the answer goes to a `waitUntil` found among the handler's other arguments.
import { BodyAlreadyRead, type Delivery } from '../receive/delivery';
import { DUPLICATE, RECEIVED, type ReceiveResult } from '../receive/result';
import { bodyOf, headerMap, waitUntilOf } from './read-request';

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

const ALREADY_READ = new BodyAlreadyRead(
  'the request body was already read (request.json(), request.text() or a framework parser), so ' +
    'its exact bytes cannot be verified; pass the request to violet.fetch before reading it, or ' +
    'pass a copy made before: violet.fetch(request.clone())',
);

const JSON_TYPE = 'application/json; charset=utf-8';

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
    const delivery: Delivery = {
      method: request.method,
      headers,
      body: request.bodyUsed ? ALREADY_READ : bodyOf(request, headers, limit),
      waitUntil: waitUntilOf(rest),
    };
    return toResponse(await runner.run(delivery));
  };
}
